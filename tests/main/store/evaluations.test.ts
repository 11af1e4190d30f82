import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { PredictionRow } from '../../../preload/contract.ts';
import { scoreEvaluation } from '../../../main/classify/evaluate-dataset.ts';
import {
  deleteDatasetEvaluation,
  getDatasetEvaluation,
  listDatasetEvaluations,
  listEvaluationPredictions,
  replaceRunEvaluation,
  saveDatasetEvaluation,
  type NewDatasetEvaluation,
} from '../../../main/store/evaluations.ts';
import { deleteDataset } from '../../../main/store/datasets.ts';
import { getRun } from '../../../main/store/runs.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

const LABELS = ['java', 'json', 'python'];
const row = (fileIndex: number, trueLabel: string, predictedLabel: string, p = 0.8): PredictionRow => ({
  fileIndex,
  path: `${trueLabel}/f${fileIndex}`,
  trueLabel,
  predictedLabel,
  top: [{ label: predictedLabel, probability: p }],
});

function evaluation(runId: number, datasetId: number, predictions: PredictionRow[]): NewDatasetEvaluation {
  const labelMap = new Map<string, string | null>([...LABELS.map((l): [string, string] => [l, l]), ['ruby', null]]);
  return { runId, datasetId, datasetName: 'other', predictions, ...scoreEvaluation({ labels: LABELS, labelMap, scope: 'all' }, predictions) };
}

test('an evaluation on a dataset is stored with its predictions, listed apart from the run\'s own report, and outlives its dataset', () => {
  const { db } = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const ds = seedDataset(db, 'train-set');
  const other = seedDataset(db, 'other');
  const runId = seedFinishedRun(db, ds, 'alpha');
  const own = getRun(db, runId).evaluations;
  const predictions = [row(0, 'java', 'java', 0.9), row(1, 'java', 'json', 0.4), row(2, 'python', 'python'), row(3, 'ruby', 'python', 0.6), row(4, 'ruby', 'java', 0.5)];
  const id = saveDatasetEvaluation(db, evaluation(runId, other, predictions));

  const e = getDatasetEvaluation(db, id)!;
  assert.deepEqual([e.datasetId, e.datasetName, e.split, e.files], [other, 'other', 'all', 5]);
  assert.equal(e.accuracy, 2 / 3, 'over the three files whose label the model knows');
  assert.deepEqual(e.confusion, [[1, 1, 0], [0, 0, 0], [0, 0, 1]]);
  assert.deepEqual(e.unknownLabels, [{ label: 'ruby', files: 2, predicted: { python: 1, java: 1 } }]);
  assert.deepEqual(getRun(db, runId).evaluations, own, 'the run\'s own test report stays as it was');
  assert.deepEqual(listDatasetEvaluations(db, [runId]).map((x) => x.id), [id]);
  assert.deepEqual(listEvaluationPredictions(db, { id, trueLabel: 'ruby' }).rows.map((r) => r.fileIndex), [4, 3]);

  deleteDataset(db, other);
  assert.deepEqual([getDatasetEvaluation(db, id)!.datasetId, getDatasetEvaluation(db, id)!.datasetName], [null, 'other']);
  assert.equal(deleteDatasetEvaluation(db, own[0].id), false, 'the run\'s own report is not deleted here');
  db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
  assert.equal(getDatasetEvaluation(db, id), null);
  assert.equal(db.prepare('SELECT count(*) FROM evaluation_predictions').pluck().get(), 0);
});

test('an evaluation that cannot be written whole leaves nothing', () => {
  const { db } = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const ds = seedDataset(db);
  const runId = seedFinishedRun(db, ds, 'alpha');
  // The same file twice breaks the predictions' primary key halfway through.
  assert.throws(() => saveDatasetEvaluation(db, evaluation(runId, ds, [row(0, 'java', 'java'), row(0, 'java', 'java')])));
  assert.deepEqual(listDatasetEvaluations(db, [runId]), []);
  assert.equal(db.prepare('SELECT count(*) FROM evaluations WHERE dataset_name IS NOT NULL').pluck().get(), 0);
});

test("a run's own report written again (a resumed run finishing) keeps its evaluations on other datasets of the same scope", () => {
  const { db } = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const ds = seedDataset(db, 'train-set');
  const other = seedDataset(db, 'other');
  const runId = seedFinishedRun(db, ds, 'alpha');
  const onTest = { ...evaluation(runId, other, [row(0, 'java', 'java')]) };
  const id = saveDatasetEvaluation(db, { ...onTest, ...scoreEvaluation({ labels: LABELS, labelMap: new Map(LABELS.map((l) => [l, l])), scope: 'test' }, onTest.predictions) });
  assert.equal(getDatasetEvaluation(db, id)!.split, 'test');
  const own = getRun(db, runId).evaluations[0];
  const { id: _id, createdAt: _at, ...again } = own;
  replaceRunEvaluation(db, runId, again);
  assert.equal(getRun(db, runId).evaluations.length, 1, 'the own report is replaced, not added');
  assert.notEqual(getDatasetEvaluation(db, id), null, 'the evaluation on the other dataset stays');
});
