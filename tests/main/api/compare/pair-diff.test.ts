import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairDiff, pairFiles, selectPairs, comparedPairs, sharedLabels } from '../../../../main/api/compare/pair-diff.ts';
import type { PairablePrediction } from '../../../../main/store/pairable-predictions.ts';
import { classificationReport } from '../../../../main/trainer/metrics.ts';

const LABELS = ['java', 'json', 'python'];

function row(fileIndex: number, path: string, trueLabel: string, predictedLabel: string, sha256: string | null = `h-${path}`): PairablePrediction {
  return { fileIndex, path, trueLabel, predictedLabel, sha256 };
}

// Ten files; A and B disagree on four of them.
const TRUTH = ['java', 'java', 'java', 'json', 'json', 'json', 'python', 'python', 'python', 'python'];
const PRED_A = ['java', 'java', 'json', 'json', 'json', 'python', 'python', 'python', 'java', 'python'];
const PRED_B = ['java', 'python', 'java', 'json', 'json', 'json', 'python', 'python', 'java', 'json'];
const A = TRUTH.map((t, i) => row(i, `f${i}`, t, PRED_A[i]));
const B = TRUTH.map((t, i) => row(i, `f${i}`, t, PRED_B[i]));
const side = (rows: PairablePrediction[], labels = LABELS) => ({ labels, predictions: { datasetId: 1, rows } });

test('the per-class rows are the classification report of each run over the shared files', () => {
  const diff = pairDiff(side(A), side(B));
  const idx = (l: string) => LABELS.indexOf(l);
  const ra = classificationReport(LABELS, TRUTH.map(idx), PRED_A.map(idx));
  const rb = classificationReport(LABELS, TRUTH.map(idx), PRED_B.map(idx));
  assert.deepEqual(diff.labels, LABELS);
  assert.equal(diff.shared, 10);
  assert.equal(diff.sameFiles, true);
  assert.equal(diff.matchedBy, 'hash');
  assert.deepEqual(
    diff.rows.map((r) => [r.label, r.a.f1, r.b.f1, r.a.support]),
    LABELS.map((l, i) => [l, ra.rows[i].f1, rb.rows[i].f1, ra.rows[i].support]),
  );
  assert.deepEqual(diff.confusionA, ra.confusion);
  assert.deepEqual(diff.confusionB, rb.confusion);
  assert.equal(diff.accuracyA, 0.7);
  assert.equal(diff.accuracyB, 0.7);
  // f1 (A right: java) and f9 (A right: python) break; f2 and f5 are fixed.
  assert.equal(diff.brokenByB, 2);
  assert.equal(diff.fixedByB, 2);
});

test('flipped files either way, and filtered by true label', () => {
  const pairs = pairFiles(A, B).pairs;
  assert.deepEqual(selectPairs(pairs, { kind: 'broken' }).map((s) => s.pair.a.path), ['f1', 'f9']);
  assert.deepEqual(selectPairs(pairs, { kind: 'fixed' }).map((s) => s.pair.a.path), ['f2', 'f5']);
  assert.deepEqual(selectPairs(pairs, { kind: 'broken', trueLabel: 'python' }).map((s) => s.pair.a.path), ['f9']);
  assert.deepEqual(selectPairs(pairs, { kind: 'fixed', trueLabel: 'python' }), []);
});

test('every cell: files moved in minus files moved out is B − A', () => {
  const diff = pairDiff(side(A), side(B));
  const pairs = pairFiles(A, B).pairs;
  for (const [i, t] of LABELS.entries()) {
    for (const [j, p] of LABELS.entries()) {
      const moved = selectPairs(pairs, { kind: 'cell', trueLabel: t, predictedLabel: p });
      const into = moved.filter((m) => m.move === 'in').length;
      const out = moved.filter((m) => m.move === 'out').length;
      assert.equal(into - out, diff.confusionB[i][j] - diff.confusionA[i][j], `cell ${t} → ${p}`);
    }
  }
  // java → python: f1 moved in; java → json: f2 moved out.
  assert.deepEqual(selectPairs(pairs, { kind: 'cell', trueLabel: 'java', predictedLabel: 'python' }).map((m) => [m.pair.a.path, m.move]), [['f1', 'in']]);
  assert.deepEqual(selectPairs(pairs, { kind: 'cell', trueLabel: 'java', predictedLabel: 'json' }).map((m) => [m.pair.a.path, m.move]), [['f2', 'out']]);
});

test('different test files: matched by content hash, whatever their paths and indexes', () => {
  // B's dataset holds f3..f9 under other paths and indexes, plus a file A never saw.
  const b = [...B.slice(3).map((r, k) => ({ ...r, fileIndex: 100 + k, path: `other/${r.path}` })), row(200, 'new', 'java', 'java')];
  const diff = pairDiff(side(A), side(b));
  assert.equal(diff.sameFiles, false);
  assert.equal(diff.filesA, 10);
  assert.equal(diff.filesB, 8);
  assert.equal(diff.shared, 7);
  assert.equal(diff.rows.find((r) => r.label === 'java')?.a.support, 0);
  assert.equal(diff.brokenByB, 1); // f9
  assert.equal(diff.fixedByB, 1); // f5
});

test('a dataset deleted: its hashes are gone, so files are matched by path', () => {
  const pairing = pairFiles(
    A,
    B.map((r) => ({ ...r, sha256: null })),
  );
  assert.equal(pairing.matchedBy, 'path');
  assert.equal(pairing.pairs.length, 10);
});

test('different label sets: compared over the shared labels, the rest named, their predictions wrong', () => {
  assert.deepEqual(sharedLabels(['go', 'java', 'json'], ['java', 'json', 'rust']), { labels: ['java', 'json'], onlyA: ['go'], onlyB: ['rust'] });
  const a = [row(0, 'a', 'java', 'java'), row(1, 'b', 'json', 'go'), row(2, 'c', 'go', 'go')];
  const b = [row(0, 'a', 'java', 'rust'), row(1, 'b', 'json', 'json'), row(2, 'c', 'go', 'java')];
  const diff = pairDiff(side(a, ['go', 'java', 'json']), side(b, ['java', 'json', 'rust']));
  assert.deepEqual(diff.labels, ['java', 'json']);
  assert.deepEqual([diff.onlyA, diff.onlyB], [['go'], ['rust']]);
  assert.equal(diff.shared, 2); // the go file is left out
  assert.deepEqual(diff.confusionA, [[1, 0], [0, 0]]);
  assert.deepEqual(diff.confusionB, [[0, 0], [0, 1]]);
  assert.equal(diff.accuracyA, 0.5);
  assert.equal(diff.accuracyB, 0.5);
  assert.equal(comparedPairs(pairFiles(a, b), diff.labels).length, 2);
});

test('a file whose true label differs between the two datasets is not paired', () => {
  const pairing = pairFiles([row(0, 'a', 'java', 'java', 'same')], [row(0, 'a', 'json', 'java', 'same')]);
  assert.equal(pairing.pairs.length, 0);
  assert.equal(pairing.sameFiles, false);
});
