import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The renderer's sandbox. The UI is plain web code that reaches the app only through the preload's
 * named functions, so it gets no Node, no webviews and no relaxed web security. Spellcheck is off
 * because Chromium would download its dictionaries from a remote server.
 */
export function secureWebPreferences(preloadPath: string, devTools = false): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/** The few things about the main window that depend on where and how the app runs. */
export interface MainWindowSettings {
  preloadPath: string;
  iconPath?: string;
  /** Follows the system theme so the frame behind the UI matches the renderer's colours. */
  dark: boolean;
  /** Developer tools in unpackaged builds only. */
  devTools: boolean;
}

/** Why the main window looks and behaves as it does; `main.ts` creates it from exactly this. */
export function mainWindowOptions(options: MainWindowSettings): BrowserWindowConstructorOptions {
  return {
    title: 'Langlab',
    width: 1280,
    height: 840,
    minWidth: 880,
    minHeight: 560,
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    backgroundColor: options.dark ? '#14171c' : '#f6f7f9',
    autoHideMenuBar: false,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, options.devTools),
  };
}
