// The window's session: no permission is ever granted, nothing remote is loaded, and every response
// carries the app's Content-Security-Policy. Typed structurally so tests can hand in a fake session.

/** A request the session is about to make; only its URL matters here. */
export interface RequestDetails {
  url: string;
}

/** A response whose headers can be rewritten. */
export interface ResponseDetails {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

/** The parts of Electron's `Session` this module configures. */
export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  webRequest: {
    onBeforeRequest(listener: (details: RequestDetails, callback: (response: { cancel?: boolean }) => void) => void): void;
    onHeadersReceived(
      listener: (details: ResponseDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void,
    ): void;
  };
}

// Schemes that would reach outside the machine or read arbitrary local files.
const REMOTE_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

/** Whether the session lets a request through: the app's own scheme, data/blob URLs and devtools, never the network. */
export function isAllowedRequest(url: string): boolean {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return false;
  }
  return !REMOTE_SCHEMES.has(protocol);
}

/** The response headers with our CSP in place of whatever the response said. */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/**
 * Hardens a session before any page loads in it: permission requests, permission checks and
 * device access are denied (the UI needs none of them), remote requests are cancelled, and the CSP
 * is set on every response in addition to the app:// handler's own header.
 */
export function installSessionSecurity(session: SessionLike, csp: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) }),
  );
}
