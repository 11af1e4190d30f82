import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, Events } from '../../preload/contract.ts';
import type { Dispatch } from '../api/dispatch.ts';
import type { EventHub } from '../api/events.ts';
import { LanglabError } from '../errors.ts';
import { contentSecurityPolicy, securityHeaders } from './security-headers.ts';
import { readStatic } from './static-files.ts';

export interface ServerOptions {
  dispatch: Dispatch;
  events: EventHub;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY = 1 << 20;
const COOKIE = 'langlab_token';

const STATUS_FOR: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNKNOWN_REQUEST: 404,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
};

/**
 * Browser mode: the bridge contract over HTTP (POST /api/<request>) and a WebSocket (/events) on
 * loopback only. Every request, page, asset and socket must carry the per-launch token (query,
 * header or the cookie the first page load sets), and the Host header must be the loopback address
 * so that a web page cannot reach the server through DNS rebinding.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const staticDir = path.resolve(options.staticDir);
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new LanglabError('NOT_FOUND', `The UI is not built (no index.html in ${staticDir}). Run \`npm run build:renderer\` first.`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const tokenMatches = (candidate: string | undefined) => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  let port = options.port;
  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const csp = () => contentSecurityPolicy([`ws://${HOST}:${port}`, `ws://localhost:${port}`]);

  const authorised = (req: http.IncomingMessage, url: URL) => {
    const header = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    return tokenMatches(url.searchParams.get('token') ?? undefined) || tokenMatches(header) || tokenMatches(readCookie(req, COOKIE));
  };

  // Without a Host header Node would answer 400 itself; ours names what is wrong.
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const send = (status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...securityHeaders(csp()), 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
      res.end(body);
    };
    const sendJson = (status: number, value: unknown) => send(status, JSON.stringify(value), 'application/json; charset=utf-8');
    const fail = (status: number, code: string, message: string) => sendJson(status, { ok: false, error: { code, message } });

    if (!allowedHosts().has(req.headers.host ?? '')) {
      const given = req.headers.host === undefined ? 'no Host header' : `Host ${JSON.stringify(req.headers.host.slice(0, 200))}`;
      return fail(403, 'FORBIDDEN', `Requests must be addressed to http://${HOST}:${port}; this one had ${given}.`);
    }
    if (!authorised(req, url)) {
      return fail(401, 'UNAUTHORIZED', 'Missing or wrong token. Open the URL that `npm run serve` printed (it ends with ?token=...).');
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return fail(405, 'INVALID_ARGUMENT', 'Requests are sent with POST.');
      const origin = req.headers.origin;
      if (origin && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) {
        return fail(403, 'FORBIDDEN', `Requests from ${origin} are not allowed.`);
      }
      return void readBody(req)
        .then(async (body) => {
          let args: unknown;
          try {
            args = body.length ? JSON.parse(body) : {};
          } catch {
            return fail(400, 'INVALID_ARGUMENT', 'The request body is not valid JSON.');
          }
          const raw = url.pathname.slice('/api/'.length);
          let name: string;
          try {
            name = decodeURIComponent(raw);
          } catch {
            return fail(404, 'UNKNOWN_REQUEST', `Unknown request "${raw.slice(0, 200)}": the name is not valid URL encoding.`);
          }
          const envelope = await options.dispatch(name, args);
          sendJson(envelope.ok ? 200 : (STATUS_FOR[envelope.error.code] ?? 500), envelope);
        })
        .catch((err: Error) => fail(413, 'INVALID_ARGUMENT', err.message));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'INVALID_ARGUMENT', 'Only GET is served here.');
    void readStatic(staticDir, url.pathname).then(async (file) => {
      const found = file ?? (path.extname(url.pathname) ? undefined : await readStatic(staticDir, '/index.html'));
      if (!found) return send(404, 'Not found', 'text/plain; charset=utf-8');
      // The cookie lets the page's own asset and socket requests through without the query string.
      const cookie = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      send(200, req.method === 'HEAD' ? '' : found.body, found.type, { 'Set-Cookie': cookie });
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const origin = req.headers.origin;
    const okOrigin = !origin || allowedHosts().has(origin.replace(/^http:\/\//, ''));
    if (url.pathname !== '/events' || !allowedHosts().has(req.headers.host ?? '') || !okOrigin || !authorised(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  const unsubscribe = options.events.subscribe(<K extends EventName>(name: K, payload: Events[K]) => {
    const message = JSON.stringify({ event: name, payload });
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(message);
  });
  sockets.on('connection', (ws: WebSocket) => ws.on('error', () => ws.terminate()));

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new LanglabError('PORT_BUSY', `Port ${options.port} on ${HOST} is already in use. Pick another with \`--port <n>\` (0 picks a free one) or stop the program using it.`));
      } else if (err.code === 'EACCES') {
        reject(new LanglabError('PORT_BUSY', `Port ${options.port} on ${HOST} needs privileges. Pick a port above 1024 with \`--port <n>\`.`));
      } else reject(err);
    });
    server.listen(options.port, HOST, () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Past this, a too-large body is cut off rather than read to its end for the sake of a clean answer. */
const MAX_DRAINED = 64 * MAX_BODY;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new Error(`The request body is larger than ${MAX_BODY} bytes (it had at least ${size}).`);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // A body over the limit is read on and dropped, so the client gets the 413 answer instead of
      // a reset connection; one far over it is cut off.
      if (size <= MAX_BODY) chunks.push(chunk);
      else if (size > MAX_DRAINED) {
        reject(tooLarge());
        req.destroy();
      }
    });
    req.on('end', () => (size > MAX_BODY ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}
