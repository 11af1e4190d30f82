// A training engine in its own OS process, as the desktop app runs it (an Electron utilityProcess),
// for the chaos benchmark: started with child_process.fork, it gives the engine entry the
// `process.parentPort` a utility process has, and dies with its parent as a utility process does.
//   fork('bench/chaos/engine-child.ts', [engineEntry], { execArgv: ['--import', 'tsx'], serialization: 'advanced' })

export {};

interface Envelope {
  data: unknown;
}

const entry = process.argv[2];
if (!entry || !process.send) {
  console.error('engine-child: start it with child_process.fork and the engine entry as its argument.');
  process.exit(2);
}
const send = process.send.bind(process);
(process as unknown as { parentPort: unknown }).parentPort = {
  postMessage: (message: unknown) => send(message),
  on: (_event: 'message', listener: (e: Envelope) => void) => process.on('message', (data) => listener({ data })),
};
process.on('disconnect', () => process.exit(1));
await import(entry);
