import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DatasetEvaluationInfo, EvaluationInfo, RunDetail } from '../../../preload/contract.ts';
import { evaluationRows } from '../../../renderer/src/compare/evaluation-rows.ts';

const report = (accuracy: number, f1: number, support: number): Omit<EvaluationInfo, 'id' | 'split' | 'createdAt'> => ({
  labels: ['a'],
  rows: [],
  macro: { precision: 0, recall: 0, f1, support },
  weighted: { precision: 0, recall: 0, f1, support },
  accuracy,
  confusion: [[support]],
});
const run = (id: number, accuracy: number | null) =>
  ({ id, name: `r${id}`, evaluations: accuracy === null ? [] : [{ id: id * 10, split: 'test', createdAt: 0, ...report(accuracy, accuracy, 50) }] }) as unknown as RunDetail;
const onDataset = (id: number, runId: number, datasetId: number | null, datasetName: string, split: string, accuracy: number): DatasetEvaluationInfo => ({
  id, runId, datasetId, datasetName, split, createdAt: id, files: 100, unknownLabels: [], ...report(accuracy, accuracy - 0.01, 100),
});

test('Compare lists the runs\' own test split first, then one row per dataset and scope, with each run\'s latest result there', () => {
  const rows = evaluationRows(
    [run(1, 0.99), run(2, null)],
    [onDataset(1, 1, 7, 'github', 'all', 0.9), onDataset(2, 2, 7, 'github', 'all', 0.8), onDataset(3, 1, 7, 'github', 'all', 0.92), onDataset(4, 2, 7, 'github', 'test', 0.85), onDataset(5, 1, null, 'gone', 'all', 0.7)],
  );
  assert.deepEqual(rows.map((r) => r.title), ['Own test split', 'github', 'github, test split', 'gone (deleted)']);
  assert.deepEqual([...rows[0].cells.keys()], [1], 'a run without a test report has an empty cell');
  assert.equal(rows[1].cells.get(1)!.accuracy, 0.92, 'the latest evaluation of run 1 on github');
  assert.equal(rows[1].cells.get(2)!.accuracy, 0.8);
  assert.deepEqual([...rows[2].cells.keys()], [2]);
});
