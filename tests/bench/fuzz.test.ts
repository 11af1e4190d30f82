// A short, fixed-seed run of the fuzzer (bench/fuzz.ts) in CI: every kind of malformed input still
// gets an answer, and none crashes or hangs the app. The full run is `npm run bench:fuzz`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

test('the quick form: 100 seeded malformed inputs: no crash, no hang, no store change, every category tried', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'fuzz.ts'), '--seed', '7', '--quick'], { cwd: root, encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = lines.at(-1)!;
  assert.equal(summary.seed, 7, r.stderr);
  assert.equal(summary.inputs, 100);
  assert.equal(summary.crashes, 0, r.stderr);
  assert.equal(summary.hangs, 0, r.stderr);
  assert.equal(summary.store_changes, 0, r.stderr);
  assert.equal(r.status, 0, r.stderr);
  const categories = lines.filter((l) => 'category' in l).map((l) => String(l.category).split('.')[0]);
  assert.deepEqual([...new Set(categories)].sort(), ['cli', 'files', 'requests']);
  assert.match(String(lines[0].replay), /--seed 7 --count 100 --quick$/);
});
