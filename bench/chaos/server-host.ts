// Browser mode for the chaos benchmark: the backend and loopback server `npm run serve` starts, with
// training at one thread (so a resumed run can be compared weight for weight) and each run's engine
// in its own process (engine-child.ts), so the benchmark can kill the engine apart from the server.
// Prints `url <url>` once listening and `engine <pid>` for each engine it starts.
//   node --import tsx bench/chaos/server-host.ts <data folder>
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../../main/api/backend.ts';
import { utilityProcessSpawner, type UtilityChildLike } from '../../main/app/engine-process.ts';
import { startServer } from '../../main/server/server.ts';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('server-host: give the data folder.');
  process.exit(2);
}
const CHILD = fileURLToPath(new URL('./engine-child.ts', import.meta.url));

const spawnEngine = utilityProcessSpawner({
  fork(modulePath): UtilityChildLike {
    const child = fork(CHILD, [modulePath], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'ignore' });
    console.log(`engine ${child.pid}`);
    return {
      postMessage: (message) => child.send(message as object),
      on: ((event: string, listener: (...a: unknown[]) => void) => {
        if (event === 'message') child.on('message', listener);
        // A utility process reports its exit code; a signal (the benchmark's kill -9) reads as a crash.
        else if (event === 'exit') child.on('exit', (code, signal) => listener(code ?? (signal ? 137 : 0)));
        return child;
      }) as UtilityChildLike['on'],
      kill: () => child.kill('SIGKILL'),
    };
  },
});

// The benchmark speaks only to the API: a one-line page stands in for the built UI.
const staticDir = path.join(path.dirname(path.resolve(dataDir)), 'ui');
fs.mkdirSync(staticDir, { recursive: true });
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>chaos</title>');
const backend = startBackend({ runtime: 'browser', dataDir, threads: 1, spawnEngine });
const server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir, port: 0 });
console.log(`url ${server.url}`);
process.on('SIGTERM', () => void server.close().then(() => (backend.close(), process.exit(0))));
