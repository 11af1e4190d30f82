// The window's only origin. The UI is served from a custom privileged scheme rather than file://,
// so that it has a real origin for the CSP ('self'), for fetch, and for the IPC sender check.

/** The custom scheme the UI is served from (registered as standard and secure). */
export const APP_SCHEME = 'app';
/** The one host under that scheme; anything else answers 404. */
export const APP_HOST = 'langlab';
/** Where the window starts. */
export const APP_START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Whether a URL belongs to the app itself. WHATWG gives custom schemes an opaque origin ("null"),
 * so scheme and host are compared instead of `URL.origin`.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** Links the app may hand to the system browser: plain web pages, never file:, javascript: or custom schemes. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
