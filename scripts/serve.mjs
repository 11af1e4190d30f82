// `npm run serve [-- --port <n>]`: builds the UI, then starts browser mode on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

export function buildRenderer() {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('langlab: building the UI failed (see above).');
    process.exit(built.status ?? 1);
  }
}

export function serve(extraArgs) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'main', 'server', 'main.ts'), ...extraArgs], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!args.includes('--no-build')) buildRenderer();
  serve(args.filter((a) => a !== '--no-build'));
}
