import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { storePath } from '../../../main/store/paths.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedPredictedRun, seedTestDataset, type SeedFile } from '../../helpers/seed-pair.ts';
import { tempDir } from '../../helpers/temp.ts';

function langlab(args: string[], home: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const LABELS = ['java', 'json', 'python'];
const FILES: SeedFile[] = LABELS.flatMap((label) => Array.from({ length: 10 }, (_, i) => ({ path: `${label}/f${i}.txt`, label, text: `${label} file ${i}\n` })));
const next = (l: string) => LABELS[(LABELS.indexOf(l) + 1) % LABELS.length];
const wrongEvery = (k: number) => (f: SeedFile, i: number) => ({ label: i % k === 0 ? next(f.label) : f.label, probability: i % k === 0 ? 0.55 : 0.9 });

function seeded(): { home: string; runA: number; runB: number } {
  const home = tempDir();
  const store = openStore({ file: storePath(home) });
  const ds = seedTestDataset(store.db, 'own', FILES);
  const runA = seedPredictedRun(store.db, ds, 'A', LABELS, FILES, wrongEvery(7));
  const runB = seedPredictedRun(store.db, ds, 'B', LABELS, FILES, wrongEvery(5));
  store.close();
  return { home, runA, runB };
}

test('compare --json prints per-class deltas, the confusion diff and every flipped file with both labels', () => {
  const { home, runA, runB } = seeded();
  const r = langlab(['compare', String(runA), String(runB), '--json'], home);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const wrongA = new Set(FILES.flatMap((_, i) => (i % 7 === 0 ? [i] : [])));
  const wrongB = new Set(FILES.flatMap((_, i) => (i % 5 === 0 ? [i] : [])));
  const brokenIdx = [...wrongB].filter((i) => !wrongA.has(i));
  const fixedIdx = [...wrongA].filter((i) => !wrongB.has(i));
  assert.equal(out.shared_files, 30);
  assert.deepEqual(out.labels, LABELS);
  assert.equal(out.broken_by_b, brokenIdx.length);
  assert.equal(out.fixed_by_b, fixedIdx.length);
  assert.deepEqual(out.flipped.broken.map((f: { path: string }) => f.path).sort(), brokenIdx.map((i) => FILES[i].path).sort());
  assert.deepEqual(out.flipped.fixed.map((f: { path: string }) => f.path).sort(), fixedIdx.map((i) => FILES[i].path).sort());
  for (const f of out.flipped.broken) {
    assert.equal(f.a, f.true);
    assert.equal(f.b, next(f.true));
  }
  assert.equal(out.per_class.length, 3);
  for (const row of out.per_class) assert.ok(Math.abs(row.delta.f1 - (row.b.f1 - row.a.f1)) < 1e-4);
  // Each changed cell's delta equals the files moved in minus those moved out: the diff is B − A.
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(out.confusion_diff[i][j], out.confusion_b[i][j] - out.confusion_a[i][j]);
  const offDiagonalIn = out.changed_cells.filter((c: { true: string; predicted: string; delta: number }) => c.true !== c.predicted).reduce((n: number, c: { delta: number }) => n + c.delta, 0);
  assert.equal(offDiagonalIn, brokenIdx.length - fixedIdx.length);

  const text = langlab(['compare', String(runA), String(runB)], home);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /over 30 shared test files/);
  assert.match(text.stdout, /Confusion-matrix difference B − A/);
  assert.match(text.stdout, new RegExp(`Broken by B \\(A right, B wrong\\): ${brokenIdx.length}`));
});

test('compare refuses bad ids and the same run twice with a clear message', () => {
  const { home, runA } = seeded();
  const one = langlab(['compare', String(runA)], home);
  assert.equal(one.status, 2);
  assert.match(one.stderr, /two run ids/);
  const same = langlab(['compare', String(runA), String(runA)], home);
  assert.equal(same.status, 2);
  assert.match(same.stderr, /both A and B/);
  const missing = langlab(['compare', String(runA), '999'], home);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /999/);
});
