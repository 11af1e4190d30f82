// The UI's Content-Security-Policy, read directive by directive. The desktop app (app:// handler and
// session) and browser mode both send contentSecurityPolicy(); browser mode adds its own loopback
// WebSocket to connect-src and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy } from '../../../main/server/security-headers.ts';

type Policy = Map<string, string[]>;

/** Parses a policy the way CSP Level 3 does: `;`-separated directives, the first of a name wins. */
function parsePolicy(text: string): { policy: Policy; duplicates: string[] } {
  const policy: Policy = new Map();
  const duplicates: string[] = [];
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
    if (!name) continue;
    const key = name.toLowerCase();
    if (policy.has(key)) duplicates.push(key);
    else policy.set(key, sources);
  }
  return { policy, duplicates };
}

// What each directive may hold; a directive not listed here must not appear at all, so every fetch
// directive left out (frame-src, worker-src, media-src, manifest-src, ...) falls back to default-src 'none'.
const ALLOWED: Record<string, (source: string) => boolean> = {
  'default-src': (s) => s === "'none'",
  'script-src': (s) => s === "'self'",
  'style-src': (s) => s === "'self'",
  'img-src': (s) => s === "'self'" || s === 'data:',
  'font-src': (s) => s === "'self'",
  'connect-src': (s) => s === "'self'" || /^ws:\/\/(127\.0\.0\.1|localhost):\d+$/.test(s),
  'base-uri': (s) => s === "'none'",
  'form-action': (s) => s === "'none'",
  'frame-ancestors': (s) => s === "'none'",
  'object-src': (s) => s === "'none'",
};
const REQUIRED = ['default-src', 'script-src', 'object-src', 'base-uri', 'form-action', 'frame-ancestors'];

/** Everything wrong with a policy, as readable lines; empty when it is as strict as the app needs. */
function problems(text: string): string[] {
  const { policy, duplicates } = parsePolicy(text);
  const found = duplicates.map((d) => `${d} appears twice (the browser ignores the second)`);
  for (const name of REQUIRED) if (!policy.has(name)) found.push(`${name} is missing`);
  for (const [name, sources] of policy) {
    const allowed = ALLOWED[name];
    if (!allowed) {
      found.push(`${name} is not a directive the app sets`);
      continue;
    }
    if (sources.length === 0) found.push(`${name} has no sources`);
    if (sources.includes("'none'") && sources.length > 1) found.push(`${name} mixes 'none' with other sources`);
    for (const source of sources) if (!allowed(source)) found.push(`${name} allows ${source}`);
  }
  return found;
}

const DESKTOP = contentSecurityPolicy();
const BROWSER = contentSecurityPolicy(['ws://127.0.0.1:7755', 'ws://localhost:7755']);

test('the desktop and browser-mode policies pass every directive check', () => {
  assert.deepEqual(problems(DESKTOP), []);
  assert.deepEqual(problems(BROWSER), []);
});

test('directive by directive: nothing but the app itself, and nothing at all by default', () => {
  const { policy } = parsePolicy(DESKTOP);
  assert.deepEqual(Object.fromEntries(policy), {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
  });
  // Browser mode differs in connect-src only: its own WebSocket on loopback.
  const browser = parsePolicy(BROWSER).policy;
  assert.deepEqual(browser.get('connect-src'), ["'self'", 'ws://127.0.0.1:7755', 'ws://localhost:7755']);
  assert.deepEqual(Object.fromEntries([...browser].filter(([name]) => name !== 'connect-src')), Object.fromEntries([...policy].filter(([name]) => name !== 'connect-src')));
});

test('the checks catch each way the policy could be loosened', () => {
  const loosened: [string, RegExp][] = [
    [DESKTOP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"), /script-src allows 'unsafe-inline'/],
    [DESKTOP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"), /script-src allows 'unsafe-eval'/],
    [DESKTOP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"), /wasm-unsafe-eval/],
    [DESKTOP.replace("script-src 'self'", "script-src 'self' https://cdn.example.com"), /script-src allows https:/],
    [DESKTOP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"), /style-src allows 'unsafe-inline'/],
    [DESKTOP.replace("default-src 'none'", 'default-src *'), /default-src allows \*/],
    [DESKTOP.replace("img-src 'self' data:", "img-src 'self' data: https:"), /img-src allows https:/],
    [DESKTOP.replace("connect-src 'self'", "connect-src 'self' ws://192.168.1.5:7755"), /connect-src allows ws:\/\/192/],
    [DESKTOP.replace("connect-src 'self'", "connect-src 'self' blob:"), /connect-src allows blob:/],
    [DESKTOP.replace("; object-src 'none'", ''), /object-src is missing/],
    [DESKTOP.replace("; frame-ancestors 'none'", ''), /frame-ancestors is missing/],
    [DESKTOP.replace("; base-uri 'none'", ''), /base-uri is missing/],
    [`${DESKTOP}; frame-src https://example.com`, /frame-src is not a directive/],
    [`${DESKTOP}; worker-src blob:`, /worker-src is not a directive/],
    [`script-src 'self' 'unsafe-inline'; ${DESKTOP}`, /script-src appears twice/],
    [DESKTOP.replace("object-src 'none'", "object-src 'none' 'self'"), /mixes 'none'/],
  ];
  for (const [policy, expected] of loosened) assert.match(problems(policy).join('\n'), expected, policy);
});
