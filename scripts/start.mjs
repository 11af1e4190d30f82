// `npm start`: the desktop window where Electron's binary is installed, browser mode where it is not.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildRenderer, serve } from './serve.mjs';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the binary was never downloaded.
    return require('electron');
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary) {
  console.log("langlab: Electron's binary is not installed on this machine (run `npm run setup:electron` when online); starting browser mode instead.");
  buildRenderer();
  serve(process.argv.slice(2));
} else {
  buildRenderer();
  const bundled = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs')], { cwd: root, stdio: 'inherit' });
  if (bundled.status !== 0) process.exit(bundled.status ?? 1);
  const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
