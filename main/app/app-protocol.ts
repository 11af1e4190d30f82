import path from 'node:path';
import { readStatic } from '../server/static-files.ts';
import { securityHeaders } from '../server/security-headers.ts';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

/**
 * How the scheme is registered before the app is ready: standard (real origin, relative URLs),
 * secure (a secure context, like https), and allowed to serve fetch(). Not bypassCSP, not CORS.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/** Answers app:// requests; `protocol.handle('app', ...)` takes exactly this shape. */
export type AppRequestHandler = (request: Request) => Promise<Response>;

/**
 * Serves the built UI from `rootDir`. Only GET/HEAD on the app's host; paths are resolved inside
 * the folder by the same code browser mode uses (no `..`, no encoded escapes); every response
 * carries the CSP and the other security headers.
 */
export function createAppRequestHandler(rootDir: string, csp: string): AppRequestHandler {
  const root = path.resolve(rootDir);
  const headers = securityHeaders(csp);
  const plain = (status: number, text: string) =>
    new Response(text, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'Not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const file = await readStatic(root, url.pathname);
    if (!file) return plain(404, `Not found: ${url.pathname}`);
    const body = request.method === 'HEAD' ? null : new Uint8Array(file.body);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': file.type, 'Cache-Control': 'no-cache' } });
  };
}
