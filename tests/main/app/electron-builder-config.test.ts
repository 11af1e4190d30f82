// Reads electron-builder.yml the way electron-builder does and checks the packaging promises.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
// js-yaml and the schema validator come with electron-builder (a devDependency) and ship no types here.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
}

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

test("electron-builder's own schema accepts the configuration", async () => {
  await validateConfiguration(structuredClone(config), new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...structuredClone(config), notAnOption: 1 }, new DebugLogger(false)), /notAnOption/);
});

test('targets: AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
  assert.equal(config.productName, 'Langlab');
  assert.match(config.appId, /^[a-z]+(\.[a-z]+)+$/);
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.deepEqual(config.win.target, ['nsis']);
});

test('native modules are unpacked from the asar archive', () => {
  assert.ok(config.asarUnpack.includes('**/node_modules/better-sqlite3/**'));
  assert.ok(config.asarUnpack.includes('**/node_modules/onnxruntime-node/**'));
});

test('the Electron build of better-sqlite3 ships beside the Node one, and node_modules is never rebuilt', () => {
  assert.deepEqual(config.extraResources, [{ from: 'native/electron/better_sqlite3.node', to: 'native/better_sqlite3.node' }]);
  assert.equal(config.npmRebuild, false);
});

test('the app bundle, its migrations and package.json are packaged', () => {
  assert.ok(config.files.includes('out/**'));
  assert.ok(config.files.includes('package.json'));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
  assert.ok(pkg.main.startsWith('out/'));
});

test('the packaged binary cannot be used as a plain Node runtime', () => {
  assert.equal(config.electronFuses.runAsNode, false);
  assert.equal(config.electronFuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(config.electronFuses.enableNodeCliInspectArguments, false);
  assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
});

test('every icon the configuration names exists', () => {
  for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) {
    assert.ok(fs.existsSync(path.join(root, icon)), icon);
  }
});
