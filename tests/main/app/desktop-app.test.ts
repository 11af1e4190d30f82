// Runs the desktop app's whole start-up against a fake Electron (the binary cannot run here) and a
// real backend in a temporary data folder, and checks what the app asks Electron to do.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import { startBackend } from '../../../main/api/backend.ts';
import { startDesktopApp } from '../../../main/app/desktop-app.ts';
import type { ElectronLike, PageLike, WindowLike } from '../../../main/app/electron-like.ts';
import type { AppRequestHandler } from '../../../main/app/app-protocol.ts';
import type { InvokeEventLike } from '../../../main/app/ipc.ts';
import type { SessionLike } from '../../../main/app/session-security.ts';
import type { Envelope } from '../../../preload/contract.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-desktop-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

/** A fresh app folder (out/electron + a built UI) and data folder. */
function folders(withUi = true) {
  const base = path.join(tmp, String(++counter));
  const bundleDir = path.join(base, 'app', 'out', 'electron');
  fs.mkdirSync(bundleDir, { recursive: true });
  if (withUi) {
    fs.mkdirSync(path.join(base, 'app', 'out', 'renderer'), { recursive: true });
    fs.writeFileSync(path.join(base, 'app', 'out', 'renderer', 'index.html'), '<!doctype html>');
  }
  return { bundleDir, appRoot: path.join(base, 'app'), home: path.join(base, 'home') };
}

class FakePage implements PageLike {
  readonly listeners = new Map<string, (...args: unknown[]) => void>();
  readonly sent: unknown[] = [];
  openHandler?: (details: { url: string }) => { action: 'deny' };
  on(event: string, listener: (...args: never[]) => void) {
    this.listeners.set(event, listener as (...args: unknown[]) => void);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
  isDestroyed() {
    return false;
  }
  send(channel: string, message: unknown) {
    this.sent.push({ channel, message });
  }
}

/** A fake electron module that records calls in order. */
function fakeElectron(options: { singleInstance?: boolean } = {}) {
  const calls: string[] = [];
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  const windows: FakeWindow[] = [];
  const handlers = new Map<string, (event: InvokeEventLike, args: unknown) => Promise<unknown>>();
  const dialogs: { title: string; content: string }[] = [];
  const session: Record<string, unknown> = {};
  let protocolHandler: AppRequestHandler | undefined;
  let menu: MenuItemConstructorOptions[] | undefined;
  let exitCode: number | undefined;
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));

  class FakeWindow implements WindowLike {
    readonly webContents = new FakePage();
    readonly options: BrowserWindowConstructorOptions;
    loaded?: string;
    shown = false;
    focused = 0;
    restored = 0;
    minimized = false;
    readyToShow?: () => void;
    constructor(options: BrowserWindowConstructorOptions) {
      this.options = options;
      calls.push('new BrowserWindow');
      windows.push(this);
      appListeners.get('web-contents-created')?.({}, this.webContents);
    }
    async loadURL(url: string) {
      this.loaded = url;
    }
    once(_event: 'ready-to-show', listener: () => void) {
      this.readyToShow = listener;
      return this;
    }
    on() {
      return this;
    }
    show() {
      this.shown = true;
    }
    focus() {
      this.focused++;
    }
    restore() {
      this.restored++;
    }
    isMinimized() {
      return this.minimized;
    }
    isDestroyed() {
      return false;
    }
  }

  const sessionLike: SessionLike = {
    setPermissionRequestHandler: (h) => void (session.request = h),
    setPermissionCheckHandler: (h) => void (session.check = h),
    setDevicePermissionHandler: (h) => void (session.device = h),
    webRequest: {
      onBeforeRequest: (l) => void (session.beforeRequest = l),
      onHeadersReceived: (l) => void (session.headers = l),
    },
  };

  const electron: ElectronLike = {
    app: {
      isPackaged: false,
      setName: (name) => void calls.push(`setName ${name}`),
      setPath: (name, p) => void calls.push(`setPath ${name} ${p}`),
      enableSandbox: () => void calls.push('enableSandbox'),
      requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), options.singleInstance ?? true),
      whenReady: () => readyPromise,
      quit: () => void calls.push('quit'),
      exit: (code) => void ((exitCode = code), calls.push(`exit ${code}`)),
      on: (event: string, listener: (...args: never[]) => void) => void appListeners.set(event, listener as (...args: unknown[]) => void),
    },
    BrowserWindow: FakeWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes) => void calls.push(`registerSchemesAsPrivileged ${JSON.stringify(schemes)}`),
      handle: (scheme, handler) => {
        calls.push(`protocol.handle ${scheme}`);
        protocolHandler = handler;
      },
    },
    session: { defaultSession: sessionLike },
    ipcMain: {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
    },
    dialog: {
      showErrorBox: (title, content) => void dialogs.push({ title, content }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
    },
    utilityProcess: {
      fork: () => {
        throw new Error('no engine process in these tests');
      },
    },
    Menu: {
      buildFromTemplate: (template) => template,
      setApplicationMenu: (m) => void (menu = m as MenuItemConstructorOptions[]),
    },
    shell: { openExternal: async () => undefined, openPath: async () => '' },
    nativeTheme: { shouldUseDarkColors: true },
  };
  return {
    electron, calls, appListeners, windows, handlers, dialogs, session, resolveReady,
    protocolHandler: () => protocolHandler,
    menu: () => menu,
    exitCode: () => exitCode,
  };
}

test('start-up: privileged scheme, sandbox and single-instance lock come before ready; then session, protocol, IPC and a secure window', async () => {
  const f = fakeElectron();
  const dirs = folders();
  const desktop = startDesktopApp(f.electron, { ...dirs, resourcesPath: '/nowhere', env: { LANGLAB_HOME: dirs.home }, platform: 'linux' });
  // Nothing that needs `ready` has happened yet.
  assert.deepEqual(f.calls, [
    'registerSchemesAsPrivileged [{"scheme":"app","privileges":{"standard":true,"secure":true,"supportFetchAPI":true}}]',
    'enableSandbox',
    'setName Langlab',
    `setPath userData ${path.join(dirs.home, 'electron')}`,
    'requestSingleInstanceLock',
  ]);
  assert.equal(f.windows.length, 0);

  f.resolveReady();
  await desktop.ready;
  try {
    assert.deepEqual(f.dialogs, []);
    assert.ok(f.session.request && f.session.check && f.session.device && f.session.beforeRequest && f.session.headers);
    assert.ok(f.calls.indexOf('protocol.handle app') < f.calls.indexOf('new BrowserWindow'));
    const index = await f.protocolHandler()!(new Request('app://langlab/index.html'));
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'none'/);

    const [win] = f.windows;
    assert.equal(f.windows.length, 1);
    assert.equal(win.loaded, 'app://langlab/index.html');
    const prefs = win.options.webPreferences ?? {};
    assert.equal(prefs.preload, path.join(dirs.bundleDir, 'preload.cjs'));
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.webviewTag, false);
    assert.equal(win.shown, false);
    win.readyToShow?.();
    assert.equal(win.shown, true);
    // The window's page was hardened when Electron created it.
    assert.ok(['will-navigate', 'will-redirect', 'will-attach-webview'].every((e) => win.webContents.listeners.has(e)));
    assert.deepEqual(win.webContents.openHandler?.({ url: 'https://example.com' }), { action: 'deny' });
    assert.ok((f.menu() ?? []).length > 0);

    // A request from the window's app page reaches the real backend.
    const event: InvokeEventLike = { sender: win.webContents, senderFrame: { url: 'app://langlab/index.html', parent: null } };
    const page = (await f.handlers.get('langlab:runs.list')!(event, {})) as Envelope<{ total: number }>;
    assert.deepEqual(page, { ok: true, result: { runs: [], total: 0 } });
    const bad = (await f.handlers.get('langlab:runs.get')!(event, { id: 'seven' })) as Envelope<unknown>;
    assert.equal(!bad.ok && bad.error.code, 'INVALID_ARGUMENT');

    // A second launch focuses the existing window.
    win.minimized = true;
    f.appListeners.get('second-instance')?.();
    assert.equal(win.restored, 1);
    assert.equal(win.focused, 1);
  } finally {
    f.appListeners.get('will-quit')?.();
  }
  // Quitting released the store: browser mode can open it now.
  assert.equal(desktop.backend(), undefined);
  assert.equal(f.handlers.size, 0);
  startBackend({ runtime: 'browser', dataDir: dirs.home }).close();
});

test('a store held by browser mode: a clear dialog, exit code 1, no window', async () => {
  const f = fakeElectron();
  const dirs = folders();
  const browser = startBackend({ runtime: 'browser', dataDir: dirs.home });
  try {
    const desktop = startDesktopApp(f.electron, { ...dirs, resourcesPath: '/nowhere', env: { LANGLAB_HOME: dirs.home }, platform: 'linux' });
    f.resolveReady();
    await desktop.ready;
    assert.equal(f.dialogs.length, 1);
    assert.equal(f.dialogs[0].title, 'Langlab cannot start');
    assert.match(f.dialogs[0].content, /browser mode/);
    assert.equal(f.exitCode(), 1);
    assert.equal(f.windows.length, 0);
    assert.equal(f.handlers.size, 0);
  } finally {
    browser.close();
  }
});

test('a missing UI build: a dialog that says what to run', async () => {
  const f = fakeElectron();
  const dirs = folders(false);
  const desktop = startDesktopApp(f.electron, { ...dirs, resourcesPath: '/nowhere', env: { LANGLAB_HOME: dirs.home }, platform: 'linux' });
  f.resolveReady();
  await desktop.ready;
  assert.match(f.dialogs[0]?.content ?? '', /npm run build/);
  assert.equal(f.exitCode(), 1);
});

test('a second instance hands over to the first and quits', async () => {
  const f = fakeElectron({ singleInstance: false });
  const dirs = folders();
  const desktop = startDesktopApp(f.electron, { ...dirs, resourcesPath: '/nowhere', env: { LANGLAB_HOME: dirs.home }, platform: 'linux' });
  f.resolveReady();
  await desktop.ready;
  assert.equal(f.calls.at(-1), 'quit');
  assert.equal(f.windows.length, 0);
  assert.equal(desktop.backend(), undefined);
  assert.ok(!fs.existsSync(path.join(dirs.home, 'langlab.db')));
});
