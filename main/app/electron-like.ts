// The slice of Electron's main-process API the desktop app uses, written as plain interfaces.
// main.ts passes the real electron module; tests pass a fake and watch what the app does with it,
// since Electron's binary cannot run on the development and CI machines.
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { ContentsLike } from './harden-contents.ts';
import type { IpcMainLike, WindowContentsLike } from './ipc.ts';
import type { SessionLike } from './session-security.ts';
import type { AppRequestHandler } from './app-protocol.ts';
import type { UtilityProcessLike } from './engine-process.ts';

/** A window's page: hardened, asked for IPC, sent events. */
export type PageLike = ContentsLike & WindowContentsLike;

/** The one app window (Electron's `BrowserWindow` instance). */
export interface WindowLike {
  readonly webContents: PageLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

/** Electron's `app`. */
export interface AppLike {
  readonly isPackaged: boolean;
  setName(name: string): void;
  setPath(name: string, path: string): void;
  enableSandbox(): void;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'will-quit', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: ContentsLike) => void): unknown;
}

/** Electron's `protocol`. */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean } }[]): void;
  handle(scheme: string, handler: AppRequestHandler): void;
}

/** Electron's `dialog.showOpenDialog`, as far as the path picker (pick-path.ts) needs it. */
export interface OpenDialogLike {
  // The window-less form: Electron's window-taking overload wants its own BaseWindow type, which the
  // app's WindowLike slice is not; the dialog is still app-modal.
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/** Electron's `dialog.showSaveDialog`, as far as the save picker (pick-path.ts) needs it. */
export interface SaveDialogLike {
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

/** The electron module, as far as the desktop app needs it. */
export interface ElectronLike {
  app: AppLike;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  protocol: ProtocolLike;
  session: { readonly defaultSession: SessionLike };
  ipcMain: IpcMainLike;
  dialog: { showErrorBox(title: string, content: string): void } & OpenDialogLike & SaveDialogLike;
  /** Starts each training run's engine in its own process (engine-process.ts). */
  utilityProcess: UtilityProcessLike;
  Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string> };
  nativeTheme: { readonly shouldUseDarkColors: boolean };
}
