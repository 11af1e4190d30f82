import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { PairDiff, PairFile } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { createRun } from '../../../main/store/runs.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { seedDatasetEvaluation, seedPredictedRun, seedTestDataset, type SeedFile } from '../../helpers/seed-pair.ts';
import { tempDir } from '../../helpers/temp.ts';

const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

const LABELS = ['java', 'json', 'python'];
const FILES: SeedFile[] = LABELS.flatMap((label) => Array.from({ length: 10 }, (_, i) => ({ path: `${label}/f${i}.txt`, label, text: `${label} source number ${i}\n` })));
const next = (l: string) => LABELS[(LABELS.indexOf(l) + 1) % LABELS.length];
/** Wrong on every k-th file (calls it the next label), right elsewhere. */
const wrongEvery = (k: number) => (f: SeedFile, i: number) => ({ label: i % k === 0 ? next(f.label) : f.label, probability: i % k === 0 ? 0.55 : 0.9 });

function setup() {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir() });
  backends.push(b);
  const db = b.store.db;
  const ds = seedTestDataset(db, 'own', FILES);
  const runA = seedPredictedRun(db, ds, 'A', LABELS, FILES, wrongEvery(7));
  const runB = seedPredictedRun(db, ds, 'B', LABELS, FILES, wrongEvery(5));
  return { b, db, ds, runA, runB };
}

test('two runs on the same test files: per-class rows, both matrices, flips', async () => {
  const { b, runA, runB } = setup();
  const diff = await ok<PairDiff>(b, 'compare.pair', { runA, runB });
  assert.equal(diff.sameFiles, true);
  assert.equal(diff.shared, 30);
  assert.equal(diff.matchedBy, 'hash');
  const wrongA = new Set(FILES.flatMap((_, i) => (i % 7 === 0 ? [i] : [])));
  const wrongB = new Set(FILES.flatMap((_, i) => (i % 5 === 0 ? [i] : [])));
  assert.equal(diff.brokenByB, [...wrongB].filter((i) => !wrongA.has(i)).length);
  assert.equal(diff.fixedByB, [...wrongA].filter((i) => !wrongB.has(i)).length);
  assert.equal(diff.accuracyA, 1 - wrongA.size / 30);
  assert.deepEqual(
    diff.rows.map((r) => r.a.support),
    [10, 10, 10],
  );

  const broken = await ok<{ rows: PairFile[]; total: number }>(b, 'compare.pairFiles', { runA, runB, filter: { kind: 'broken' } });
  assert.equal(broken.total, diff.brokenByB);
  const first = broken.rows[0];
  assert.equal(first.a.predictedLabel, first.trueLabel);
  assert.notEqual(first.b.predictedLabel, first.trueLabel);
  assert.equal(first.b.top[0].probability, 0.55);
  assert.equal(typeof first.a.datasetId, 'number');

  const javaOnly = await ok<{ rows: PairFile[]; total: number }>(b, 'compare.pairFiles', { runA, runB, filter: { kind: 'fixed', trueLabel: 'java' } });
  assert.ok(javaOnly.rows.every((r) => r.trueLabel === 'java'));

  // java → json: B's files minus A's files in the cell is the number the diff map shows.
  const cell = await ok<{ rows: PairFile[]; total: number; moved: { in: number; out: number } }>(b, 'compare.pairFiles', {
    runA,
    runB,
    filter: { kind: 'cell', trueLabel: 'java', predictedLabel: 'json' },
  });
  assert.equal(cell.moved.in - cell.moved.out, diff.confusionB[0][1] - diff.confusionA[0][1]);
  assert.equal(cell.total, cell.rows.length);
  assert.ok(cell.rows.every((r) => r.move === (r.b.predictedLabel === 'json' ? 'in' : 'out')));
});

test('different test files: compared over the files they share, matched by content hash', async () => {
  const { b, db, runA } = setup();
  // Another dataset holding 20 of the files, in another order, plus two of its own.
  const other = [...FILES.slice(0, 20).reverse(), { path: 'java/new.txt', label: 'java', text: 'new java' }, { path: 'json/new.txt', label: 'json', text: 'new json' }];
  const ds2 = seedTestDataset(db, 'other', other);
  const runC = seedPredictedRun(db, ds2, 'C', LABELS, other, (f) => ({ label: f.label, probability: 0.8 }));
  const diff = await ok<PairDiff>(b, 'compare.pair', { runA, runB: runC });
  assert.equal(diff.sameFiles, false);
  assert.deepEqual([diff.filesA, diff.filesB, diff.shared], [30, 22, 20]);
  assert.equal(diff.brokenByB, 0);
  const fixed = await ok<{ rows: PairFile[] }>(b, 'compare.pairFiles', { runA, runB: runC, filter: { kind: 'fixed' } });
  // Each side points into its own dataset, at its own index of the file.
  const f0 = fixed.rows.find((r) => r.path === 'java/f0.txt')!;
  assert.equal(f0.b.fileIndex, 19);
  assert.equal(f0.a.fileIndex, 0);
  assert.notEqual(f0.a.datasetId, f0.b.datasetId);
});

test('a deleted dataset: files matched by path, and said so', async () => {
  const { b, db, ds, runA, runB } = setup();
  db.prepare('DELETE FROM datasets WHERE id = ?').run(ds);
  const diff = await ok<PairDiff>(b, 'compare.pair', { runA, runB });
  assert.equal(diff.matchedBy, 'path');
  assert.equal(diff.shared, 30);
});

test('evaluations of both runs on another dataset compare the same way', async () => {
  const { b, db, runA, runB } = setup();
  const elsewhere = FILES.slice(0, 12).map((f) => ({ ...f, text: `${f.text} elsewhere` }));
  const ds3 = seedTestDataset(db, 'elsewhere', elsewhere);
  const evaluationA = seedDatasetEvaluation(db, runA, ds3, LABELS, elsewhere, wrongEvery(3));
  const evaluationB = seedDatasetEvaluation(db, runB, ds3, LABELS, elsewhere, wrongEvery(4));
  const diff = await ok<PairDiff>(b, 'compare.pair', { runA, runB, evaluationA, evaluationB });
  assert.equal(diff.shared, 12);
  assert.equal(diff.sameFiles, true);
  assert.equal(diff.accuracyA, 8 / 12);
  assert.equal(diff.accuracyB, 9 / 12);
  const broken = await ok<{ rows: PairFile[]; total: number }>(b, 'compare.pairFiles', { runA, runB, evaluationA, evaluationB, filter: { kind: 'broken' } });
  assert.deepEqual(
    broken.rows.map((r) => [r.path, r.a.top[0].probability, r.b.top[0].probability, r.a.datasetId]),
    [['java/f4.txt', 0.9, 0.55, ds3], ['java/f8.txt', 0.9, 0.55, ds3]],
  );
  const swapped = await failure(b, 'compare.pair', { runA, runB, evaluationA: evaluationB, evaluationB: evaluationA });
  assert.equal(swapped.code, 'NOT_FOUND');
  assert.match(swapped.message, /Run “A” has no evaluation/);
});

test('bad requests are refused with a message that says what to do', async () => {
  const { b, db, ds, runA, runB } = setup();
  const half = await failure(b, 'compare.pair', { runA, runB, evaluationA: 1 });
  assert.equal(half.code, 'INVALID_ARGUMENT');
  assert.match(half.message, /evaluation of each run/);
  assert.equal((await failure(b, 'compare.pair', { runA, runB: runA })).code, 'INVALID_ARGUMENT');
  assert.equal((await failure(b, 'compare.pairFiles', { runA, runB, filter: { kind: 'cell', trueLabel: 'java' } })).code, 'INVALID_ARGUMENT');
  assert.equal((await failure(b, 'compare.pairFiles', { runA, runB, filter: { kind: 'broken' }, limit: 5000 })).code, 'INVALID_ARGUMENT');
  assert.equal((await failure(b, 'compare.pair', { runA, runB: 999 })).code, 'NOT_FOUND');

  const training = createRun(db, { name: 'still going', datasetId: ds, modelKind: 'scratch', params: {}, tags: [], startTime: Date.now() });
  const busy = await failure(b, 'compare.pair', { runA, runB: training });
  assert.equal(busy.code, 'NOT_AVAILABLE');
  assert.match(busy.message, /“still going” is still training/);
});
