import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { storePath } from '../../../main/store/paths.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDatasetEvaluation, seedPredictedRun, seedTestDataset, type SeedFile } from '../../helpers/seed-pair.ts';
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
  assert.deepEqual(out.evaluations, [], 'no other dataset has an evaluation of both');
  assert.match(text.stdout, /No dataset other than their own has an evaluation of both runs/);
});

test('compare adds the same comparison for each other dataset both runs were evaluated on, and only those', () => {
  const { home, runA, runB } = seeded();
  const store = openStore({ file: storePath(home) });
  const elsewhere = FILES.slice(0, 20).map((f) => ({ ...f, path: `other/${f.path}`, text: `${f.text}// elsewhere\n` }));
  const other = seedTestDataset(store.db, 'other', elsewhere);
  const evalA = seedDatasetEvaluation(store.db, runA, other, LABELS, elsewhere, (f) => ({ label: f.label, probability: 0.9 }));
  const evalB = seedDatasetEvaluation(store.db, runB, other, LABELS, elsewhere, (f, i) => ({ label: i % 4 === 0 ? next(f.label) : f.label, probability: 0.8 }));
  const onlyA = seedTestDataset(store.db, 'only-a', elsewhere.slice(0, 6));
  seedDatasetEvaluation(store.db, runA, onlyA, LABELS, elsewhere.slice(0, 6), (f) => ({ label: f.label, probability: 0.9 }));
  store.close();

  const r = langlab(['compare', String(runA), String(runB), '--json'], home);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.shared_files, 30, 'the own test split comes first, as before');
  assert.equal(out.evaluations.length, 1, 'a dataset only A was evaluated on is left out');
  const [e] = out.evaluations;
  assert.deepEqual([e.evaluation_a, e.evaluation_b, e.dataset], [evalA, evalB, `dataset ${other}`]);
  assert.equal(e.shared_files, 20);
  const brokenIdx = elsewhere.flatMap((_, i) => (i % 4 === 0 ? [i] : []));
  assert.equal(e.broken_by_b, brokenIdx.length);
  assert.equal(e.fixed_by_b, 0);
  assert.deepEqual(e.flipped.broken.map((f: { path: string }) => f.path).sort(), brokenIdx.map((i) => elsewhere[i].path).sort());
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(e.confusion_diff[i][j], e.confusion_b[i][j] - e.confusion_a[i][j]);
  assert.equal(e.accuracy.a, 1);

  const text = langlab(['compare', String(runA), String(runB)], home);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`On dataset dataset ${other} \\(evaluation ${evalA} of A, ${evalB} of B\\): run ${runA} \\(A\\) vs run ${runB} \\(B\\) over 20 shared files`));
  assert.equal(text.stdout.match(/Broken by B/g)?.length, 2);
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
