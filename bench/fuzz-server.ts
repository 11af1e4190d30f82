// Browser mode in a process of its own for the fuzzer (bench/fuzz.ts): the backend and the loopback
// server on a free port, with the token given, so that an input which kills the server is seen as
// the process ending rather than taking the fuzzer down with it. Prints {"port":N} when listening.
//   node --import tsx bench/fuzz-server.ts <data dir> <static dir> <token>
import { startBackend } from '../main/api/backend.ts';
import { startServer } from '../main/server/server.ts';

const [dataDir, staticDir, token] = process.argv.slice(2);
if (!dataDir || !staticDir || !token) throw new Error('fuzz server: give <data dir> <static dir> <token>.');
const backend = startBackend({ runtime: 'browser', dataDir });
const server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir, port: 0, token });
console.log(JSON.stringify({ port: server.port }));
process.on('SIGTERM', () => {
  void server.close().then(() => {
    backend.close();
    process.exit(0);
  });
});
