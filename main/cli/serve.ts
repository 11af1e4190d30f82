import { parsePort, runBrowserMode } from '../server/browser-mode.ts';
import { defineCommand } from './command.ts';

/** `langlab serve`: browser mode from the command line (the UI must have been built); it starts its own backend, which owns the data folder. */
export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'start browser mode on 127.0.0.1 and print its URL (with its token)',
  options: { port: { type: 'string' } },
  usage: () => 'Usage: langlab serve [--port <n>] [--home <dir>]   (needs the built UI: npm run build:renderer)',
  async run({ values }, ctx) {
    await runBrowserMode({ port: parsePort(values.port), dataDir: ctx.home });
    return 0;
  },
});
