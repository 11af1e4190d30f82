// Requests bench:fuzz found answered badly: a request name that is not valid URL encoding, a
// missing Host header, a body over the limit (the client saw a reset connection, not the answer).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { startServer, type RunningServer } from '../../../main/server/server.ts';
import { tempDir } from '../../helpers/temp.ts';

let backend: Backend;
let server: RunningServer;
const homeDir = tempDir();
const uiDir = tempDir();

before(async () => {
  writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>Langlab</title>');
  backend = startBackend({ runtime: 'browser', dataDir: homeDir });
  server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir: uiDir, port: 0 });
});

after(async () => {
  await server.close();
  backend.close();
});

/** A POST with exactly these headers (no Host unless given). */
function post(pathname: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; error: { code: string; message: string } }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method: 'POST', headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, error: (JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string; message: string } }).error }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const good = () => ({ host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}` });

test('a request name that is not valid URL encoding is an unknown request naming it', async () => {
  const r = await post('/api/runs.list%E0%A4%A', good(), '{}');
  assert.equal(r.status, 404);
  assert.equal(r.error.code, 'UNKNOWN_REQUEST');
  assert.match(r.error.message, /Unknown request "runs\.list%E0%A4%A": the name is not valid URL encoding\./);
});

test('a missing or foreign Host header is refused with a message naming what was sent', async () => {
  const { host: _, ...noHost } = good();
  const missing = await post('/api/app.info', noHost, '{}');
  assert.equal(missing.status, 403);
  assert.match(missing.error.message, /this one had no Host header\.$/);
  const foreign = await post('/api/app.info', { ...good(), host: 'evil.example:80' }, '{}');
  assert.equal(foreign.status, 403);
  assert.match(foreign.error.message, /^Requests must be addressed to http:\/\/127\.0\.0\.1:\d+; this one had Host "evil\.example:80"\.$/);
});

test('a body over the limit gets the 413 answer, not a reset connection, and the server answers on', async () => {
  const big = await post('/api/runs.get', good(), JSON.stringify({ id: 'A'.repeat(10 * 1024 * 1024) }));
  assert.equal(big.status, 413);
  assert.match(big.error.message, /^The request body is larger than 1048576 bytes/);
  assert.equal((await post('/api/app.info', good(), '{}')).status, 200);
});
