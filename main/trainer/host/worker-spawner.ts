// Engine processes as worker threads: how browser mode, the CLI and the tests train off the main
// thread (onnxruntime's session.run blocks the thread it runs on for a whole step).

import type { EnginePort, EngineSpawner } from './engine-port.ts';
import type { FromEngine, ToEngine } from './protocol.ts';
import { startWorker } from '../../worker/start-worker.ts';

/** Spawns `entry` in a worker thread; a .ts entry goes through the tsx bootstrap. */
export const spawnWorker: EngineSpawner = (entry) => {
  const worker = startWorker(entry);
  let crash: string | null = null;
  let killed = false;
  const exitListeners: ((error: string | null) => void)[] = [];
  worker.on('error', (err) => {
    crash = err instanceof Error ? err.message : String(err);
  });
  worker.on('exit', (code) => {
    const error = killed ? null : crash ?? `it exited with code ${code}`;
    for (const l of exitListeners) l(error);
  });
  const port: EnginePort = {
    send: (message: ToEngine) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', (m: FromEngine) => listener(m)),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => {
      killed = true;
      void worker.terminate();
    },
  };
  return port;
};
