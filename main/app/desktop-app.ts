// The desktop app's lifecycle: one instance, the backend, a hardened session and window showing the
// UI from app://, IPC wired in one place. Takes the electron module as an argument so that tests can
// run the whole start-up against a fake Electron.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startBackend, type Backend, type BackendOptions } from '../api/backend.ts';
import { contentSecurityPolicy } from '../server/security-headers.ts';
import { dataDirectory } from '../store/paths.ts';
import { APP_SCHEME, APP_START_URL } from './app-origin.ts';
import { APP_SCHEME_PRIVILEGES, createAppRequestHandler } from './app-protocol.ts';
import type { ElectronLike, WindowLike } from './electron-like.ts';
import { utilityProcessSpawner } from './engine-process.ts';
import { createPathPicker, createSavePathPicker } from './pick-path.ts';

import { hardenWebContents } from './harden-contents.ts';
import { registerIpc } from './ipc.ts';
import { appMenuTemplate } from './menu.ts';
import { electronNativeBinding } from './native-binding.ts';
import { installSessionSecurity } from './session-security.ts';
import { startupErrorText } from './startup-error.ts';
import { mainWindowOptions } from './window-options.ts';

/** Where the app finds its files and settings; main.ts fills these from the running Electron. */
export interface DesktopPaths {
  /** The folder holding main.mjs and preload.cjs (out/electron). */
  bundleDir: string;
  /** The app's root: the repository when unpackaged, app.asar when packaged. */
  appRoot: string;
  /** Electron's process.resourcesPath. */
  resourcesPath: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Replaceable in tests; the real backend by default. */
  startBackend?: (options: BackendOptions) => Backend;
}

/** What a started app holds, for tests to look at; resolves once start-up has finished or failed. */
export interface DesktopApp {
  ready: Promise<void>;
  backend(): Backend | undefined;
  window(): WindowLike | undefined;
}

/**
 * Starts the desktop app. Everything that must happen before `ready` (privileged scheme, sandbox
 * for all renderers, the single-instance lock, the user-data folder) happens synchronously here.
 */
export function startDesktopApp(electron: ElectronLike, paths: DesktopPaths): DesktopApp {
  const { app, BrowserWindow, protocol, session, ipcMain, dialog, Menu, shell, nativeTheme, utilityProcess } = electron;
  const env = paths.env ?? process.env;
  const platform = paths.platform ?? process.platform;
  const csp = contentSecurityPolicy();
  const dataDir = dataDirectory(env, platform);
  let backend: Backend | undefined;
  let window: WindowLike | undefined;
  let disposeIpc: (() => void) | undefined;

  protocol.registerSchemesAsPrivileged([{ ...APP_SCHEME_PRIVILEGES, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);
  app.enableSandbox();
  app.setName('Langlab');
  // Chromium's own files go beside the store, so one data folder means one app instance.
  app.setPath('userData', path.join(dataDir, 'electron'));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(), backend: () => undefined, window: () => undefined };
  }

  const fail = (title: string, content: string) => {
    dialog.showErrorBox(title, content);
    app.exit(1);
  };

  const createWindow = () => {
    const iconPath = path.join(paths.appRoot, 'resources', 'icon.png');
    const created = new BrowserWindow(
      mainWindowOptions({
        preloadPath: path.join(paths.bundleDir, 'preload.cjs'),
        iconPath: existsSync(iconPath) ? iconPath : undefined,
        dark: nativeTheme.shouldUseDarkColors,
        devTools: !app.isPackaged,
      }),
    );
    window = created;
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    void created.loadURL(APP_START_URL).catch((err: unknown) => {
      fail('Langlab cannot show its window', `Loading ${APP_START_URL} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  };

  // Every page Electron creates, including ones we never asked for, is locked down before it loads.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => shell.openExternal(url)));
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (backend && !window) createWindow();
  });
  app.on('will-quit', () => {
    disposeIpc?.();
    disposeIpc = undefined;
    backend?.close();
    backend = undefined;
  });

  const openWindow = () => (window && !window.isDestroyed() ? window : undefined);
  const ready = app.whenReady().then(() => {
    const rendererDir = path.resolve(paths.bundleDir, '..', 'renderer');
    if (!existsSync(path.join(rendererDir, 'index.html'))) {
      fail('Langlab cannot start', `The user interface is not built: ${path.join(rendererDir, 'index.html')} is missing. Run \`npm run build\` first.`);
      return;
    }
    const nativeBinding = electronNativeBinding({ isPackaged: app.isPackaged, resourcesPath: paths.resourcesPath, appRoot: paths.appRoot });
    try {
      backend = (paths.startBackend ?? startBackend)({
        runtime: 'electron',
        dataDir,
        nativeBinding,
        pickPath: createPathPicker(dialog, openWindow),
        pickSavePath: createSavePathPicker(dialog, openWindow),
        // Each run's engine is a utilityProcess: a crash there never takes the window down.
        spawnEngine: utilityProcessSpawner(utilityProcess),
      });
    } catch (err) {
      const text = startupErrorText(err, { isPackaged: app.isPackaged });
      fail(text.title, text.content);
      return;
    }
    installSessionSecurity(session.defaultSession, csp);
    protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir, csp));
    disposeIpc = registerIpc({
      ipcMain,
      dispatch: backend.dispatch,
      events: backend.events,
      contents: () => (window && !window.isDestroyed() ? window.webContents : undefined),
    });
    const actions = { openDataFolder: () => void shell.openPath(dataDir) };
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ platform, isPackaged: app.isPackaged, actions })));
    createWindow();
  });

  return { ready, backend: () => backend, window: () => window };
}
