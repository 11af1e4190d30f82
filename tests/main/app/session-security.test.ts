import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  installSessionSecurity,
  type RequestDetails,
  type ResponseDetails,
  type SessionLike,
} from '../../../main/app/session-security.ts';
import { contentSecurityPolicy } from '../../../main/server/security-headers.ts';

type Headers = Record<string, string[]>;

/** A session that keeps the handlers the code installs, so the test can call them. */
function fakeSession() {
  const installed: {
    request?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
    check?: (contents: unknown, permission: string) => boolean;
    device?: (details: unknown) => boolean;
    beforeRequest?: (details: RequestDetails, callback: (response: { cancel?: boolean }) => void) => void;
    headers?: (details: ResponseDetails, callback: (response: { responseHeaders?: Headers }) => void) => void;
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (installed.request = h),
    setPermissionCheckHandler: (h) => void (installed.check = h),
    setDevicePermissionHandler: (h) => void (installed.device = h),
    webRequest: {
      onBeforeRequest: (l) => void (installed.beforeRequest = l),
      onHeadersReceived: (l) => void (installed.headers = l),
    },
  };
  return { session, installed };
}

const CSP = contentSecurityPolicy();

test('every permission request is denied', () => {
  const { session, installed } = fakeSession();
  installSessionSecurity(session, CSP);
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem', 'unknown']) {
    let granted: boolean | undefined;
    installed.request?.({}, permission, (g) => (granted = g));
    assert.equal(granted, false, permission);
  }
});

test('every permission check and device request is denied', () => {
  const { session, installed } = fakeSession();
  installSessionSecurity(session, CSP);
  for (const permission of ['media', 'hid', 'serial', 'usb', 'clipboard-sanitized-write']) {
    assert.equal(installed.check?.({}, permission), false, permission);
  }
  assert.equal(installed.device?.({ deviceType: 'usb', origin: 'app://langlab' }), false);
});

test('requests to the network or to local files are cancelled; app:// and data: go through', () => {
  const { session, installed } = fakeSession();
  installSessionSecurity(session, CSP);
  const cancelled = (url: string) => {
    let answer: { cancel?: boolean } | undefined;
    installed.beforeRequest?.({ url }, (r) => (answer = r));
    return answer?.cancel;
  };
  for (const url of ['https://cdn.example.com/x.js', 'http://127.0.0.1:7755/api', 'wss://example.com/', 'file:///etc/passwd', 'ftp://x/']) {
    assert.equal(cancelled(url), true, url);
  }
  for (const url of ['app://langlab/index.html', 'data:image/png;base64,AAAA', 'blob:app://langlab/123', 'devtools://devtools/bundled/x']) {
    assert.equal(cancelled(url), false, url);
  }
});

test('every response carries the app CSP, replacing whatever the response said', () => {
  const { session, installed } = fakeSession();
  installSessionSecurity(session, CSP);
  let headers: Headers | undefined;
  installed.headers?.(
    { url: 'app://langlab/index.html', responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } },
    (r) => (headers = r.responseHeaders),
  );
  assert.deepEqual(headers, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] });
  installed.headers?.({ url: 'app://langlab/x' }, (r) => (headers = r.responseHeaders));
  assert.deepEqual(headers, { 'Content-Security-Policy': [CSP] });
});

test('the CSP allows only the app itself: no eval, no inline script, no remote origins', () => {
  assert.match(CSP, /default-src 'none'/);
  assert.match(CSP, /script-src 'self'(;|$)/);
  assert.doesNotMatch(CSP, /unsafe-eval|unsafe-inline|https?:|\*/);
  assert.match(CSP, /object-src 'none'/);
  assert.match(CSP, /frame-ancestors 'none'/);
});
