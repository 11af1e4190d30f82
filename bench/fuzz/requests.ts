// Malformed requests, made from the contract's schemas and sent through each way into the service:
// the in-process dispatch (what Electron IPC calls), HTTP POST /api/<name> and the /events
// WebSocket of browser mode, plus requests without, or with a wrong, token, Host or Origin.
import path from 'node:path';
import type { Envelope } from '../../preload/contract.ts';
import type { Dispatch } from '../../main/api/dispatch.ts';
import { baseArgs, fieldType, isOptional, pathFields, REQUEST_NAMES, shapeOf, type FieldPath } from './schema-walk.ts';
import type { Answer, FuzzCase, Rng } from './harness.ts';

/** One malformed request before it is given a transport. */
interface BadRequest {
  what: string;
  name: string;
  args: unknown;
  mentions: string[];
  /** The HTTP body when it differs from JSON.stringify(args) (NaN has no JSON form), and what a clear answer to it names. */
  body?: string;
  bodyMentions?: string[];
}

const TEN_MB = 10 * 1024 * 1024;

function setAt(root: unknown, at: FieldPath, value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function wrongValue(type: string, rng: Rng): unknown {
  const byType: Record<string, unknown[]> = {
    string: [42, true, ['x'], { x: 1 }, null],
    number: ['1', true, [1], { n: 1 }, null, '0x10'],
    boolean: ['true', 1, [true], null],
    array: [{}, 'a,b', 1, null],
    object: [[], 'x', 7, null],
    record: [[], 'x', 7],
  };
  return rng.pick(byType[type] ?? ['x', 1]);
}

const TRAVERSALS = [
  '../../../../../../../../etc/passwd',
  '..\\..\\..\\..\\windows\\win.ini',
  '/nonexistent-langlab/../../../etc/shadow',
  'a/b/../../../../../../root/.ssh/id_rsa',
  'file:///etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '~/../../etc/hosts',
  '/dev/zero',
  '/etc/passwd\u0000.safetensors',
  '\\\\?\\C:\\Windows\\System32',
  '....//....//etc/passwd',
  '/tmp/langlab-fuzz-\u202eexe.txt',
];

/** Every malformed request the seed draws for one request name. */
function badRequests(name: string, rng: Rng): BadRequest[] {
  const shape = shapeOf(name) ?? {};
  const base = baseArgs(name);
  const fields = Object.keys(shape);
  const required = fields.filter((f) => !isOptional(shape[f]));
  const out: BadRequest[] = [];
  const field = fields.length ? rng.pick(fields) : null;
  // Another argument may be what is wrong first (run 1 does not exist): naming it is clear too.
  const otherValues = ['run 1', 'dataset 1', 'job 1', '"x"'];

  // Extra field, and arguments that are not an object at all.
  const extra = `extra_${rng.int(1e6)}`;
  out.push({ what: 'extra field', name, args: { ...base, [extra]: 1 }, mentions: [extra] });
  const notObject = rng.pick([5, 'x', [1, 2], true]);
  out.push({ what: `arguments ${JSON.stringify(notObject)}`, name, args: notObject, mentions: ['arguments'] });

  if (field) {
    const type = fieldType(shape[field]);
    const wrong = wrongValue(type, rng);
    out.push({ what: `wrong type ${field}=${JSON.stringify(wrong)}`, name, args: { ...base, [field]: wrong }, mentions: [field] });
    out.push({ what: `10 MB string in ${field}`, name, args: { ...base, [field]: 'A'.repeat(TEN_MB) }, mentions: [field], bodyMentions: ['larger than'] });
    const depth = rng.pick([1000, 20_000, 200_000]);
    const deep = nested(depth);
    out.push({ what: `nested ${depth} deep in ${field}`, name, args: { ...base, [field]: deep }, mentions: [field], body: `{"${field}":${'['.repeat(depth)}1${']'.repeat(depth)}}`, bodyMentions: [field, 'JSON', 'larger than'] });
  }
  for (const f of required) out.push({ what: `missing ${f}`, name, args: Object.fromEntries(Object.entries(base).filter(([k]) => k !== f)), mentions: [f] });

  for (const f of fields) {
    const type = fieldType(shape[f]);
    if (type === 'number') {
      const odd = rng.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      // JSON has no NaN; 1e999 is what a JSON body can say, and it parses as Infinity.
      out.push({ what: `${f}=${odd}`, name, args: { ...base, [f]: odd }, mentions: [f], body: JSON.stringify({ ...base, [f]: 0 }).replace(`"${f}":0`, `"${f}":${rng.pick(['1e999', '-1e999', 'NaN'])}`), bodyMentions: [f, 'JSON'] });
      const bad = rng.pick([-1, -(2 ** 53), 2 ** 64, 1e308]);
      out.push({ what: `${f}=${bad}`, name, args: { ...base, [f]: bad }, mentions: [f] });
      if (/id$/i.test(f)) {
        // In range but there is no such thing: the answer names the id.
        const huge = rng.pick([Number.MAX_SAFE_INTEGER, 2 ** 31 + rng.int(1000), 999_999_999]);
        out.push({ what: `${f}=${huge} (none)`, name, args: { ...base, [f]: huge }, mentions: [String(huge), f, ...otherValues] });
      }
    }
    if (type === 'array') {
      const elem = rng.pick([null, {}, [[]]]);
      out.push({ what: `${f}=[${elem}]`, name, args: { ...base, [f]: [elem] }, mentions: [f] });
    }
  }

  for (const { at, args } of pathFields(name)) {
    const where = at.join('.');
    for (const p of rng.shuffle([...TRAVERSALS]).slice(0, 4)) {
      out.push({ what: `path ${where}=${JSON.stringify(p)}`, name, args: setAt(args, at, p), mentions: [p, path.resolve(p), path.basename(p), where, ...otherValues] });
    }
  }
  return out;
}

/** Request names that are not in the contract. */
function unknownNames(rng: Rng): string[] {
  const real = rng.pick(REQUEST_NAMES);
  return [`${real}x`, real.toUpperCase(), `__proto__`, 'constructor', 'toString', 'hasOwnProperty', `../${real}`, `${real}/../app.info`, 'x'.repeat(5000), `runs.${rng.int(1e6)}`];
}

function fromEnvelope(e: Envelope<unknown>, name: string): Answer {
  return e.ok ? { kind: 'accepted', detail: `${name} answered ok` } : { kind: 'error', code: e.error.code, message: e.error.message };
}

/** The malformed requests of one seed, for the in-process dispatch. */
export function dispatchCases(dispatch: Dispatch, rng: Rng): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const name of REQUEST_NAMES) {
    for (const r of badRequests(name, rng)) {
      cases.push({ category: 'requests.dispatch', name: `${name}: ${r.what}`, mentions: r.mentions, run: async () => fromEnvelope(await dispatch(name, r.args), name) });
    }
  }
  for (const name of unknownNames(rng)) {
    cases.push({ category: 'requests.dispatch', name: `unknown ${name.slice(0, 40)}`, mentions: [name], run: async () => fromEnvelope(await dispatch(name, {}), name) });
  }
  return cases;
}

/** What the fuzzer needs of the browser-mode server it attacks. */
export interface ServerHandle {
  port(): number;
  token: string;
  /** Null while the server process lives; its exit otherwise (and it is restarted for the next case). */
  died(): string | null;
}

export interface HttpReply {
  status: number;
  body: string;
}

/** A raw HTTP request with full control of the headers (undefined drops one). */
export function httpRequest(port: number, pathname: string, o: { method?: string; headers?: Record<string, string | undefined>; body?: string }): Promise<HttpReply> {
  return import('node:http').then(({ default: http }) => new Promise<HttpReply>((resolve, reject) => {
    const headers = Object.fromEntries(Object.entries(o.headers ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: o.method ?? 'POST', headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    // A server that cuts a too-large body off may reset the socket before the reply is read.
    req.on('error', reject);
    req.end(o.body);
  }));
}

function fromHttp(reply: HttpReply, name: string): Answer {
  try {
    const e = JSON.parse(reply.body) as Envelope<unknown>;
    if (typeof e === 'object' && e !== null && 'ok' in e) return fromEnvelope(e, name);
  } catch {
    // fall through: not an envelope
  }
  return { kind: 'error', code: 'INTERNAL', message: `HTTP ${reply.status} without an error envelope: ${reply.body.slice(0, 200)}` };
}

async function checkedHttp(server: ServerHandle, send: () => Promise<HttpReply>, name: string): Promise<Answer> {
  let answer: Answer;
  try {
    answer = fromHttp(await send(), name);
  } catch (err) {
    answer = { kind: 'error', code: 'INTERNAL', message: `connection failed: ${(err as Error).message}` };
  }
  const death = server.died();
  return death ? { kind: 'crash', detail: death } : answer;
}

/** The same malformed requests over HTTP, plus bad bodies, methods, tokens, Hosts and Origins. */
export function httpCases(server: ServerHandle, rng: Rng): FuzzCase[] {
  const host = () => `127.0.0.1:${server.port()}`;
  const headers = (extra: Record<string, string | undefined> = {}) => ({ host: host(), authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...extra });
  const post = (name: string, body: string, extra?: Record<string, string | undefined>, pathname?: string) => () =>
    httpRequest(server.port(), pathname ?? `/api/${encodeURIComponent(name)}`, { headers: headers(extra), body });
  const cases: FuzzCase[] = [];
  const add = (name: string, label: string, mentions: string[], send: () => Promise<HttpReply>) =>
    cases.push({ category: 'requests.http', name: `${name}: ${label}`, mentions, run: () => checkedHttp(server, send, name) });

  for (const name of REQUEST_NAMES) {
    for (const r of badRequests(name, rng)) {
      const body = r.body ?? JSON.stringify(r.args);
      add(name, r.what, body.length > 1 << 20 ? (r.bodyMentions ?? r.mentions) : r.body ? (r.bodyMentions ?? r.mentions) : r.mentions, post(name, body));
    }
  }
  for (const name of unknownNames(rng)) add(name.slice(0, 40), 'unknown request', [name], post(name, '{}'));
  const some = rng.pick(REQUEST_NAMES);
  for (const raw of ['%E0%A4%A', '%', '%00', '%2e%2e%2fapp.info', '..%2F..%2Fapp.info']) add(raw, 'malformed name in the URL', [raw, 'request'], post('', '{}', {}, `/api/${raw}`));
  for (const body of ['{', '{"a":', 'null', '[]', '"x"', '\u0000', 'NaN', '{"__proto__":{"admin":true}}', '\ufeff{}', 'x'.repeat(2 << 20)]) {
    add(some, `body ${JSON.stringify(body.slice(0, 20))}`, ['JSON', 'arguments', 'larger than', '__proto__', some], post(some, body));
  }
  add(some, 'GET instead of POST', ['POST'], () => httpRequest(server.port(), `/api/${some}`, { method: 'GET', headers: headers() }));
  add(some, 'PUT instead of POST', ['POST'], () => httpRequest(server.port(), `/api/${some}`, { method: 'PUT', headers: headers(), body: '{}' }));

  // Who may call: token, Host and Origin.
  const wrongTokens = [undefined, '', 'x', server.token.slice(0, -1), `${server.token}x`, server.token.toUpperCase() === server.token ? 'A'.repeat(server.token.length) : server.token.toUpperCase(), `Basic ${server.token}`];
  for (const t of wrongTokens) add('app.info', `token ${JSON.stringify(t)}`, ['token'], post('app.info', '{}', { authorization: t === undefined ? undefined : `Bearer ${t}` }));
  add('app.info', 'wrong token in the query', ['token'], post('app.info', '{}', { authorization: undefined }, '/api/app.info?token=nope'));
  add('app.info', 'wrong token in a cookie', ['token'], post('app.info', '{}', { authorization: undefined, cookie: 'langlab_token=nope' }));
  const hosts = ['evil.example', `evil.example:${server.port()}`, '127.0.0.1', `127.0.0.1:${server.port() + 1}`, '', `localhost.evil.example:${server.port()}`, `[::1]:${server.port()}`, `127.0.0.1:${server.port()}@evil.example`];
  for (const h of hosts) add('app.info', `Host ${JSON.stringify(h)}`, [h === '' ? 'Host' : h], post('app.info', '{}', { host: h }));
  add('app.info', 'no Host', ['Host'], post('app.info', '{}', { host: undefined }));
  const origins = ['http://evil.example', 'null', `http://127.0.0.1:${server.port()}.evil.example`, `https://127.0.0.1:${server.port()}`, 'file://', `http://localhost:${server.port() + 1}`];
  for (const o of origins) add('app.info', `Origin ${o}`, [o], post('app.info', '{}', { origin: o }));
  return cases;
}

/** An /events upgrade with the given headers: the handshake's status, or 101 when it was let in. */
async function upgrade(port: number, pathname: string, headers: Record<string, string | undefined>): Promise<number> {
  const { default: WebSocket } = await import('ws');
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${pathname}`, { headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string> });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(0));
  });
}

/** Sends one message on an authorised /events socket; the socket only pushes events, so it must ignore or close, never fall over. */
async function message(port: number, token: string, data: string | Buffer): Promise<string> {
  const { default: WebSocket } = await import('ws');
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events?token=${token}`);
    ws.on('open', () => {
      ws.send(data);
      // A ping answered after the message shows the server read past it.
      ws.ping();
      ws.on('pong', () => {
        resolve('ignored');
        ws.close();
      });
    });
    ws.on('close', (code) => resolve(`closed ${code}`));
    ws.on('error', () => resolve('closed with an error'));
  });
}

/** The /events WebSocket: refused handshakes, and junk sent on an accepted one. */
export function wsCases(server: ServerHandle, rng: Rng): FuzzCase[] {
  const host = () => `127.0.0.1:${server.port()}`;
  const cases: FuzzCase[] = [];
  const refused = (label: string, pathname: () => string, headers: () => Record<string, string | undefined>) =>
    cases.push({
      category: 'requests.ws',
      name: `upgrade: ${label}`,
      mentions: [],
      run: async () => {
        const status = await upgrade(server.port(), pathname(), headers());
        const death = server.died();
        if (death) return { kind: 'crash', detail: death };
        // A WebSocket handshake has no body a browser can read: the refusal is the status.
        return status === 401 || status === 403 ? { kind: 'error', code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: `HTTP ${status}` } : { kind: 'accepted', detail: `handshake answered ${status}` };
      },
    });
  const good = () => `/events?token=${server.token}`;
  refused('no token', () => '/events', () => ({ host: host() }));
  for (const t of ['', 'x', server.token.slice(1), `${server.token}=`]) refused(`token ${JSON.stringify(t)}`, () => `/events?token=${encodeURIComponent(t)}`, () => ({ host: host() }));
  refused('wrong cookie', () => '/events', () => ({ host: host(), cookie: 'langlab_token=nope' }));
  for (const h of ['evil.example', `evil.example:${server.port()}`, `127.0.0.1:${server.port() + 1}`]) refused(`Host ${h}`, good, () => ({ host: h }));
  for (const o of ['http://evil.example', 'null', `http://127.0.0.1:${server.port()}.evil.example`]) refused(`Origin ${o}`, good, () => ({ host: host(), origin: o }));
  for (const p of ['/', '/api/app.info', '/EVENTS', '/events/x', '/events%2F..']) refused(`path ${p}`, () => `${p}${p.includes('?') ? '&' : '?'}token=${server.token}`, () => ({ host: host() }));

  const junk: (string | Buffer)[] = ['hello', '{"request":"runs.delete","args":{"id":1}}', '[' .repeat(50_000), Buffer.from([0xff, 0xfe, 0x00]), 'x'.repeat(100_000), JSON.stringify({ event: 'job.progress', payload: null })];
  for (const data of rng.shuffle(junk)) {
    cases.push({
      category: 'requests.ws',
      name: `message ${JSON.stringify(String(data).slice(0, 20))}`,
      mentions: [],
      // Over the server's 64 KiB limit the server closes with 1009; a client still writing its frame
      // may see the connection reset before that close frame arrives (1006). Either is a refusal.
      acceptable: (d) => d === 'ignored' || /closed 10(09|07|02)/.test(d) || (data.length > 64 * 1024 && d === 'closed 1006'),
      run: async () => {
        const what = await message(server.port(), server.token, data);
        const death = server.died();
        return death ? { kind: 'crash', detail: death } : { kind: 'accepted', detail: what };
      },
    });
  }
  return cases;
}
