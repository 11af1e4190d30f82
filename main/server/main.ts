// `npm run serve`: browser mode. Starts the backend and the loopback server and prints the URL.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBackend } from '../api/backend.ts';
import { LanglabError } from '../errors.ts';
import { startServer } from './server.ts';

const DEFAULT_PORT = 7755;
// The built UI, next to the repository root.
const RENDERER_DIST = path.resolve(import.meta.dirname, '../../out/renderer');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help) {
    console.log('Usage: npm run serve -- [--port <n>]   (LANGLAB_PORT also sets the port; 0 picks a free one)');
    return;
  }
  const portText = values.port ?? process.env.LANGLAB_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LanglabError('INVALID_ARGUMENT', `--port must be a whole number from 0 to 65535, got "${portText}".`);
  }
  const backend = startBackend({ runtime: 'browser' });
  let server;
  try {
    server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir: RENDERER_DIST, port });
  } catch (err) {
    backend.close();
    throw err;
  }
  console.log(`Langlab browser mode: ${server.url}`);
  console.log(`Data folder: ${backend.dataDir} (Ctrl+C to stop)`);
  const stop = () => {
    void server.close().then(() => {
      backend.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`langlab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
