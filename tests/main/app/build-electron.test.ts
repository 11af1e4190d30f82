// Builds the Electron bundle into a temporary folder and checks what Electron will load from it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import vm from 'node:vm';
import { REQUEST_NAMES, type IpcBridge } from '../../../preload/contract.ts';
import workerTable from '../../../main/worker/entries.json' with { type: 'json' };

const root = path.resolve(import.meta.dirname, '../../..');
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-build-electron-')), 'electron');
after(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

before(() => {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs'), '--out-dir', out], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
});

test('package.json points Electron at the bundle the build writes', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
  assert.equal(pkg.main, 'out/electron/main.mjs');
  for (const file of ['main.mjs', 'preload.cjs', ...Object.values(workerTable).map((e) => e.bundle)]) assert.ok(fs.statSync(path.join(out, file)).size > 0, file);
});

test('the migrations sit beside the bundle, identical to the sources', () => {
  const sources = path.join(root, 'main', 'store', 'migrations');
  const names = fs.readdirSync(sources).filter((f) => f.endsWith('.sql')).sort();
  assert.ok(names.length > 0);
  assert.deepEqual(fs.readdirSync(path.join(out, 'migrations')).sort(), names);
  for (const name of names) {
    assert.equal(fs.readFileSync(path.join(out, 'migrations', name), 'utf8'), fs.readFileSync(path.join(sources, name), 'utf8'));
  }
});

test('the main bundle imports only npm packages and Node built-ins, and carries the app version', () => {
  const code = fs.readFileSync(path.join(out, 'main.mjs'), 'utf8');
  const specifiers = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assert.ok(specifiers.includes('electron') && specifiers.includes('better-sqlite3'));
  assert.deepEqual(specifiers.filter((s) => s.startsWith('.') || s.startsWith('/')), []);
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  assert.ok(code.includes(`version: "${version}"`));
  // A relative require of package.json would resolve outside the app once bundled.
  assert.doesNotMatch(code, /require\("\.\.?\//);
});

test('the preload is one CommonJS file that requires nothing but electron', () => {
  const code = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
  const required = [...code.matchAll(/require\(["'`]([^"'`]+)["'`]\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(required)], ['electron']);
  assert.doesNotMatch(code, /^import /m);
});

test('run as a sandboxed preload, the bundle exposes exactly one typed bridge and never ipcRenderer', async () => {
  const code = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
  const exposed: { key: string; value: unknown }[] = [];
  const invokes: string[] = [];
  const ipcRenderer = {
    invoke: async (channel: string) => (invokes.push(channel), { ok: true, result: 'fine' }),
    on: () => ipcRenderer,
  };
  const webUtils = { getPathForFile: (file: unknown) => (file === 'dropped folder' ? '/home/me/src/project' : '') };
  const electron = { contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void exposed.push({ key, value }) }, ipcRenderer, webUtils };
  const module = { exports: {} };
  const sandboxRequire = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
  assert.equal(exposed.length, 1);
  assert.equal(exposed[0].key, 'langlabIpc');
  const bridge = exposed[0].value as IpcBridge;
  assert.equal(bridge.transport, 'electron');
  assert.deepEqual(Object.keys(bridge.request).sort(), [...REQUEST_NAMES].sort());
  assert.ok(!JSON.stringify(Object.keys(bridge)).includes('ipc'));
  assert.deepEqual(await bridge.request['runs.tags']({}), { ok: true, result: 'fine' });
  assert.deepEqual(invokes, ['langlab:runs.tags']);
  assert.equal(bridge.pathOfDropped('dropped folder'), '/home/me/src/project');
  assert.equal(bridge.pathOfDropped({}), '');
});

// Stands in for Electron's module inside a plain Node process, to run the real bundle once.
const FAKE_ELECTRON = `
const handlers = new Map();
class Page { on() { return this; } setWindowOpenHandler() {} isDestroyed() { return false; } send() {} }
export const app = { isPackaged: false, getAppPath: () => process.env.APP_ROOT, setName() {}, setPath() {}, enableSandbox() {},
  requestSingleInstanceLock: () => true, whenReady: () => Promise.resolve(), quit() {}, exit(code) { process.exit(code); },
  on(event, listener) { if (event === 'web-contents-created') this.created = listener; } };
export class BrowserWindow {
  constructor(options) { this.webContents = new Page(); this.preload = options.webPreferences.preload; app.created?.({}, this.webContents); }
  async loadURL(url) {
    const page = await globalThis.appProtocol(new Request(url));
    const event = { sender: this.webContents, senderFrame: { url, parent: null } };
    const info = await handlers.get('langlab:app.info')(event, {});
    // A dataset scan runs in the bundled worker (scan-worker.mjs): wait for its task to end.
    let task = (await handlers.get('langlab:datasets.add')(event, { kind: 'folder', path: process.env.DATASET_DIR })).result;
    for (let i = 0; i < 600 && task?.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      task = (await handlers.get('langlab:jobs.list')(event, {})).result.find((t) => t.jobId === task.jobId);
    }
    console.log(JSON.stringify({ status: page.status, preload: this.preload, info, task }));
    process.exit(0);
  }
  once() { return this; } on() { return this; } show() {} focus() {} restore() {} isMinimized() { return false; } isDestroyed() { return false; }
}
export const protocol = { registerSchemesAsPrivileged() {}, handle(scheme, handler) { globalThis.appProtocol = handler; } };
export const session = { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {},
  webRequest: { onBeforeRequest() {}, onHeadersReceived() {} } } };
export const ipcMain = { handle(channel, listener) { handlers.set(channel, listener); }, removeHandler(channel) { handlers.delete(channel); } };
export const dialog = { showErrorBox(title, content) { console.error(title + ': ' + content); }, showOpenDialog: async () => ({ canceled: true, filePaths: [] }) };
export const utilityProcess = { fork() { throw new Error('no engine process in this test'); } };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu() {} };
export const shell = { openExternal: async () => {}, openPath: async () => '' };
export const nativeTheme = { shouldUseDarkColors: false };
`;

test('the bundle starts: it opens the store from its own migrations folder and serves the UI over app://', () => {
  const base = path.dirname(out);
  fs.mkdirSync(path.join(base, 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(base, 'renderer', 'index.html'), '<!doctype html>');
  const fake = path.join(base, 'fake-electron.mjs');
  fs.writeFileSync(fake, FAKE_ELECTRON);
  const hook = path.join(base, 'hook.mjs');
  // Packages resolve from the repository's node_modules, as they do beside out/; 'electron' is the fake.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(base, 'node_modules'), 'junction');
  const resolver = `export async function resolve(s, c, next) { return s === 'electron' ? { url: ${JSON.stringify(pathToFileURL(fake).href)}, shortCircuit: true } : next(s, c); }`;
  fs.writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolver)}));\n`);
  const home = path.join(base, 'home');
  const dataset = path.join(base, 'dataset');
  for (const [label, ext, line] of [['python', 'py', 'print(1)'], ['java', 'java', 'class A {}']] as const) {
    fs.mkdirSync(path.join(dataset, label), { recursive: true });
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dataset, label, `f${i}.${ext}`), `${line} // ${i}\n`);
  }
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, path.join(out, 'main.mjs')], {
    cwd: base,
    encoding: 'utf8',
    env: { ...process.env, LANGLAB_HOME: home, APP_ROOT: base, DATASET_DIR: dataset },
  });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    status: number;
    preload: string;
    info: { ok: boolean; result: { runtime: string; dataDir: string; schemaVersion: number } };
    task: { status: string; error: string | null; resultId: number | null };
  };
  assert.equal(report.status, 200);
  assert.equal(report.preload, path.join(out, 'preload.cjs'));
  assert.equal(report.info.ok, true);
  assert.equal(report.info.result.runtime, 'electron');
  assert.equal(report.info.result.dataDir, home);
  assert.equal(report.info.result.schemaVersion, fs.readdirSync(path.join(out, 'migrations')).length);
  assert.deepEqual({ status: report.task.status, error: report.task.error }, { status: 'done', error: null });
  assert.equal(typeof report.task.resultId, 'number');
});
