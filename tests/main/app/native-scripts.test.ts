// The two optional native set-up scripts: they fail in one clear line when they cannot work, and
// rebuilding better-sqlite3 for Electron never touches the Node build in node_modules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-native-scripts-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8' });
}
const version = (name: string) => (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;

test('--check says in one line what to run when there is no Electron build', () => {
  const result = run('rebuild-electron-native.mjs', ['--check', '--out-dir', path.join(tmp, 'none')]);
  assert.equal(result.status, 1);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^langlab: no better-sqlite3 build for Electron .*npm run rebuild:electron-native/);
});

test('--check accepts a build made for the installed Electron, and refuses one for another', () => {
  const dir = path.join(tmp, 'built');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'better_sqlite3.node'), 'binary');
  const info = { electron: version('electron'), betterSqlite3: version('better-sqlite3'), platform: process.platform, arch: process.arch };
  fs.writeFileSync(path.join(dir, 'build-info.json'), JSON.stringify(info));
  assert.equal(run('rebuild-electron-native.mjs', ['--check', '--out-dir', dir]).status, 0);
  fs.writeFileSync(path.join(dir, 'build-info.json'), JSON.stringify({ ...info, electron: '1.0.0' }));
  assert.equal(run('rebuild-electron-native.mjs', ['--check', '--out-dir', dir]).status, 1);
});

test('setup:cuda runs onnxruntime-node’s own installer with the CUDA 12 flag', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, () => {
  const result = run('setup-cuda.mjs', ['--dry-run']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /onnxruntime-node[\\/]script[\\/]install\.js --onnxruntime-node-install=cuda12/);
  assert.match(result.stdout, /libonnxruntime_providers_cuda\.so/);
});
