import path from 'node:path';
import { startBackend } from '../api/backend.ts';
import { LanglabError } from '../errors.ts';
import { startServer } from './server.ts';

/** The port browser mode uses unless told otherwise. */
export const DEFAULT_PORT = 7755;
/** The built UI. */
export const RENDERER_DIST = path.resolve(import.meta.dirname, '../../out/renderer');

/** Reads a port from a flag or LANGLAB_PORT; 0 asks the system for a free one. */
export function parsePort(text: string | undefined): number {
  const raw = text ?? process.env.LANGLAB_PORT ?? String(DEFAULT_PORT);
  const port = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LanglabError('INVALID_ARGUMENT', `--port must be a whole number from 0 to 65535, got "${raw}".`);
  }
  return port;
}

/**
 * Starts browser mode (backend + loopback server), prints the URL line that tools rely on
 * ("Langlab browser mode: http://127.0.0.1:<port>/?token=..."), and stops cleanly on SIGINT/SIGTERM.
 */
export async function runBrowserMode(options: { port: number; dataDir?: string }): Promise<void> {
  const backend = startBackend({ runtime: 'browser', dataDir: options.dataDir });
  let server;
  try {
    server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir: RENDERER_DIST, port: options.port });
  } catch (err) {
    backend.close();
    throw err;
  }
  console.log(`Langlab browser mode: ${server.url}`);
  console.log(`Data folder: ${backend.dataDir} (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(() => {
        backend.close();
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
