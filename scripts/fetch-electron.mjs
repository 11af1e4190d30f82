// Fetches Electron's binary after `npm install`. The download needs a host other than the npm
// registry, so it is allowed to fail: the app then runs in browser mode (`npm run serve`).
// With --required (npm run setup:electron) a failure is an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const required = process.argv.includes('--required');
const require = createRequire(import.meta.url);

let electronDir;
try {
  electronDir = path.dirname(require.resolve('electron/package.json'));
} catch {
  // Production installs without devDependencies have no electron package: nothing to fetch.
  process.exit(0);
}
if (existsSync(path.join(electronDir, 'path.txt')) && !required) process.exit(0);

const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
  stdio: required ? 'inherit' : 'pipe',
  timeout: 120_000,
  env: process.env,
});
if (result.status === 0 && existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('langlab: Electron binary installed; `npm start` opens the desktop window.');
} else if (required) {
  console.error('langlab: could not download the Electron binary (is this machine online?).');
  process.exit(1);
} else {
  console.log(
    'langlab: Electron binary not downloaded (offline?) - `npm start` will run browser mode; ' +
      'run `npm run setup:electron` when online for the desktop window.',
  );
}
