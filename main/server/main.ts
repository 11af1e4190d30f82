// `npm run serve`: browser mode, started from the repository.
import { parseArgs } from 'node:util';
import { dataDirectory } from '../store/paths.ts';
import { parsePort, runBrowserMode } from './browser-mode.ts';

try {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, home: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('Usage: npm run serve -- [--port <n>] [--home <dir>]   (LANGLAB_PORT and LANGLAB_HOME do the same; port 0 picks a free one)');
  } else {
    await runBrowserMode({ port: parsePort(values.port), dataDir: values.home ? dataDirectory({ LANGLAB_HOME: values.home }) : undefined });
  }
} catch (err) {
  console.error(`langlab: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
