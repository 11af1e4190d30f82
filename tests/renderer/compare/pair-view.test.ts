import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DatasetEvaluationInfo, PairClassRow } from '../../../preload/contract.ts';
import { changeIsBetter, confusionDiff, formatDelta, pairCell, sharedEvaluations } from '../../../renderer/src/compare/pair-view.ts';

test('per-class cells: each run, and the B − A change', () => {
  const row: PairClassRow = { label: 'java', a: { precision: 0.5, recall: 1, f1: 0.6667, support: 4 }, b: { precision: 0.75, recall: 0.5, f1: 0.6, support: 4 } };
  assert.equal(pairCell(row, 'label'), 'java');
  assert.equal(pairCell(row, 'precision:b'), 0.75);
  assert.equal(pairCell(row, 'precision:delta'), 0.25);
  assert.equal(pairCell(row, 'recall:delta'), -0.5);
  assert.equal(formatDelta(0.25), '+0.2500');
  assert.equal(formatDelta(-0.5), '−0.5000');
  assert.equal(formatDelta(-0.00001), '0.0000');
});

test('the confusion difference in files, and in shares of each row', () => {
  const a = [
    [8, 2],
    [1, 9],
  ];
  const b = [
    [10, 0],
    [3, 7],
  ];
  assert.deepEqual(confusionDiff(a, b, false), [
    [2, -2],
    [2, -2],
  ]);
  assert.deepEqual(confusionDiff(a, b, true).map((r) => r.map((v) => Number(v.toFixed(2)))), [
    [0.2, -0.2],
    [0.2, -0.2],
  ]);
  assert.equal(changeIsBetter(0, 0, 2), true);
  assert.equal(changeIsBetter(0, 1, -2), true);
  assert.equal(changeIsBetter(1, 0, 2), false);
});

test('datasets both runs were evaluated on, the latest evaluation of each', () => {
  const e = (id: number, runId: number, datasetId: number | null, datasetName: string, split = 'all') => ({ id, runId, datasetId, datasetName, split }) as DatasetEvaluationInfo;
  const list = [e(1, 5, 10, 'elsewhere'), e(2, 6, 10, 'elsewhere'), e(3, 5, 10, 'elsewhere'), e(4, 5, 11, 'only A'), e(5, 6, 10, 'elsewhere', 'test'), e(6, 7, 11, 'only A')];
  assert.deepEqual(sharedEvaluations(list, 5, 6), [{ key: '10/all', title: 'elsewhere', evaluationA: 3, evaluationB: 2 }]);
});
