import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { startServer, type RunningServer } from '../../../main/server/server.ts';
import { tempDir } from '../../helpers/temp.ts';

let backend: Backend;
let server: RunningServer;
let staticDir: string;

// Made at top level: temp folders registered inside a hook would be removed when the hook ends.
const homeDir = tempDir();
const uiDir = tempDir();

before(async () => {
  staticDir = uiDir;
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Langlab</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(path.dirname(staticDir), 'secret.txt'), 'outside');
  backend = startBackend({ runtime: 'browser', dataDir: homeDir });
  server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir, port: 0 });
});

after(async () => {
  await server.close();
  backend.close();
});

/** A raw request, so tests control the Host header and see exact status codes. */
function request(pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
const auth = () => ({ authorization: `Bearer ${server.token}` });
const api = (name: string, args: unknown, headers: Record<string, string> = auth()) =>
  request(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(args) });

test('the printed URL is loopback with a long random token', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
});

test('pages, assets and requests without the token are refused', async () => {
  assert.equal((await request('/')).status, 401);
  assert.equal((await request('/assets/app.js')).status, 401);
  const noToken = await api('runs.list', {}, {});
  assert.equal(noToken.status, 401);
  assert.equal(JSON.parse(noToken.body).error.code, 'UNAUTHORIZED');
  assert.equal((await api('runs.list', {}, { authorization: 'Bearer wrong' })).status, 401);
});

test('the page loads with the token and sets a cookie that lets its assets through, with a strict CSP', async () => {
  const page = await request(`/?token=${server.token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Langlab/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  assert.match(String(page.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  const asset = await request('/assets/app.js', { headers: { cookie } });
  assert.equal(asset.status, 200);
  assert.match(String(asset.headers['content-type']), /javascript/);
});

test('paths outside the UI folder are never served', async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
    const res = await request(p, { headers: auth() });
    assert.doesNotMatch(res.body, /outside/, p);
  }
});

test('a foreign Host header (DNS rebinding) or Origin is refused', async () => {
  assert.equal((await request(`/?token=${server.token}`, { headers: { host: 'evil.example:80' } })).status, 403);
  const res = await api('runs.list', {}, { ...auth(), origin: 'http://evil.example' });
  assert.equal(res.status, 403);
});

test('requests are answered with envelopes; bad input gets clear errors and status codes', async () => {
  const ok = await api('runs.list', {});
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { ok: true, result: { runs: [], total: 0 } });

  const unknown = await api('runs.nuke', {});
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.body).error.code, 'UNKNOWN_REQUEST');

  const malformed = await api('runs.get', { id: -1 });
  assert.equal(malformed.status, 400);
  assert.match(JSON.parse(malformed.body).error.message, /id/);

  const notJson = await request('/api/runs.list', { method: 'POST', headers: auth(), body: '{oops' });
  assert.equal(notJson.status, 400);
  assert.match(JSON.parse(notJson.body).error.message, /not valid JSON/);

  const get = await request('/api/runs.list', { headers: auth() });
  assert.equal(get.status, 405);
});

test('events reach WebSocket clients with the token; sockets without it are refused', async () => {
  const refused = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
  const refusal = await new Promise<string>((resolve) => {
    refused.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    refused.on('error', (err) => resolve(err.message));
  });
  assert.match(refusal, /401/);

  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const message = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
  backend.events.emit('store.changed', { what: 'datasets' });
  assert.deepEqual(await message, { event: 'store.changed', payload: { what: 'datasets' } });
  ws.close();
});

test('a busy port is a clear error naming the port', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  await assert.rejects(startServer({ dispatch: backend.dispatch, events: backend.events, staticDir, port }), (err: Error) => {
    assert.match(err.message, new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    assert.match(err.message, /--port/);
    return true;
  });
  blocker.close();
});

test('a missing UI build is a clear error', async () => {
  await assert.rejects(startServer({ dispatch: backend.dispatch, events: backend.events, staticDir: tempDir(), port: 0 }), /npm run build:renderer/);
});
