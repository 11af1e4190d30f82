import type { MenuItemConstructorOptions } from 'electron';

/** Menu commands that need the main process. */
export interface MenuActions {
  openDataFolder(): void;
}

/** Where the menu is built, which decides its shape. */
export interface MenuContext {
  platform: NodeJS.Platform;
  /** Reload and developer tools only in unpackaged builds. */
  isPackaged: boolean;
  actions: MenuActions;
}

/**
 * A small application menu: the platform's usual roles (so copy/paste and window keys work in the
 * UI's text fields) plus "Open Data Folder" for the store and artifacts.
 */
export function appMenuTemplate({ platform, isPackaged, actions }: MenuContext): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const dev = !isPackaged;
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(dev ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    { role: 'help', submenu: mac ? [] : [{ role: 'about' }] },
  ];
}
