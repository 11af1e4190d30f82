import { parsePort, runBrowserMode } from '../server/browser-mode.ts';
import { type CliCommand, parseCommandArgs, resolveHome } from './command.ts';

/** `langlab serve`: browser mode from the command line (the UI must have been built). */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'start browser mode on 127.0.0.1 and print its URL (with its token)',
  async run(argv) {
    const { values } = parseCommandArgs('serve', argv, { port: { type: 'string' } });
    if (values.help) {
      console.log('Usage: langlab serve [--port <n>] [--home <dir>]   (needs the built UI: npm run build:renderer)');
      return 0;
    }
    await runBrowserMode({ port: parsePort(values.port), dataDir: resolveHome(values.home) });
    return 0;
  },
};
