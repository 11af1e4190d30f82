import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { APP_SCHEME_PRIVILEGES, createAppRequestHandler } from '../../../main/app/app-protocol.ts';
import { contentSecurityPolicy } from '../../../main/server/security-headers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-app-protocol-'));
const root = path.join(dir, 'renderer');
fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Langlab</title>');
fs.writeFileSync(path.join(root, 'assets', 'index.js'), 'console.log(1)');
fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the UI folder');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const CSP = contentSecurityPolicy();
const handle = createAppRequestHandler(root, CSP);
const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

test('the scheme is standard, secure and fetch-capable, and nothing more', () => {
  assert.deepEqual(APP_SCHEME_PRIVILEGES, { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
});

test('serves the UI files with their types and the CSP on every response', async () => {
  const index = await get('app://langlab/index.html');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(index.headers.get('content-security-policy'), CSP);
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await index.text(), '<!doctype html><title>Langlab</title>');
  const root = await get('app://langlab/');
  assert.equal(await root.text(), '<!doctype html><title>Langlab</title>');
  const script = await get('app://langlab/assets/index.js');
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(script.headers.get('content-security-policy'), CSP);
});

test('path traversal, encoded or not, never leaves the UI folder', async () => {
  for (const url of [
    'app://langlab/../secret.txt',
    'app://langlab/%2e%2e/secret.txt',
    'app://langlab/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://langlab/..%5csecret.txt',
    'app://langlab/%00index.html',
    'app://langlab/%E0%A4%A',
  ]) {
    const response = await get(url);
    assert.notEqual(await response.text(), 'outside the UI folder', url);
    if (response.status === 200) assert.doesNotMatch(url, /secret/);
  }
  const missing = await get('app://langlab/nope.js');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-security-policy'), CSP);
});

test('other hosts and non-GET methods are refused', async () => {
  assert.equal((await get('app://elsewhere/index.html')).status, 404);
  assert.equal((await get('app://langlab/index.html', 'POST')).status, 405);
  const head = await get('app://langlab/index.html', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});
