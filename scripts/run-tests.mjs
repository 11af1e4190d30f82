// Runs the test suites with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]   (default: all)
// unit+integration = every tests/**/*.test.ts outside tests/e2e; e2e = tests/e2e/**/*.test.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const groups = process.argv.slice(2);
const want = (g) => groups.length === 0 || groups.includes(g);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const all = walk(path.join(root, 'tests'));
const isE2e = (f) => f.startsWith(path.join(root, 'tests', 'e2e') + path.sep);
const files = all.filter((f) => (isE2e(f) ? want('e2e') : want('unit') || want('integration')));
if (files.length === 0) {
  console.error('run-tests: no test files matched', groups.join(' '));
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files.map((f) => path.relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env } },
);
process.exit(result.status ?? 1);
