import { isAppUrl, isExternalWebUrl } from './app-origin.ts';

/** An event a handler can cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The parts of Electron's `WebContents` this module configures. */
export interface ContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Hands a web link to the system browser (Electron's `shell.openExternal`). */
export type OpenExternal = (url: string) => unknown;

/**
 * Locks a page to the app: it may move between the app's own app:// pages, and nowhere else.
 * New windows are never opened; a web link (http/https only) goes to the system browser instead,
 * so a link in a run note or a help text still works. Webviews can never be attached.
 */
export function hardenWebContents(contents: ContentsLike, openExternal: OpenExternal): void {
  const handOff = (url: string) => {
    if (isExternalWebUrl(url)) void Promise.resolve(openExternal(url)).catch(() => undefined);
  };
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    handOff(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    handOff(url);
    return { action: 'deny' };
  });
}
