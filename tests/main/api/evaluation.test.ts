import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import type { DatasetEvaluationInfo, PredictionRow, RunDetail, ScanJobInfo } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { datasetFromFolder } from '../../../main/data/index.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { saveDataset } from '../../../main/store/dataset-save.ts';
import { runDirectory } from '../../../main/trainer/host/run-paths.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

const FAKE = new URL('../trainer/host/fake-engine.ts', import.meta.url).href;
const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

/** The model's labels: 'Python' is spelled otherwise than the dataset's folder `python`. */
const MODEL_LABELS = ['java', 'javascript', 'Python'];

/** A backend with one finished run whose model folder holds a real (untrained) export. */
async function withModel(): Promise<{ b: Backend; runId: number }> {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir(), engineEntry: `${FAKE}?mode=finish` });
  backends.push(b);
  const { runId } = await ok<{ runId: number }>(b, 'runs.start', { name: 'model', datasetId: seedDataset(b.store.db), model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' });
  assert.equal((await b.runs.waitFor(runId)).status, 'FINISHED');
  const config = scratchConfig(MODEL_LABELS.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(path.join(runDirectory(b.dataDir, runId), 'model'), { family: 'scratch', config, weights: initScratchWeights(config, 1), labels: MODEL_LABELS });
  return { b, runId };
}

/** A folder dataset saved in the store: 12 python, 10 javascript and 6 go files (go is not in the model). */
async function addDataset(b: Backend, classes: Record<string, number> = { python: 12, javascript: 10, go: 6 }): Promise<number> {
  const files: Record<string, string> = {};
  for (const [label, n] of Object.entries(classes)) {
    for (let i = 0; i < n; i++) files[`${label}/f${i}.txt`] = label === 'javascript' ? jsSource(i) : label === 'python' ? pySource(i) : `package main\n\nfunc f${i}() int { return ${i} * ${label.length} }\n`;
  }
  return saveDataset(b.store.db, await datasetFromFolder(makeTree(files), { name: 'elsewhere' }));
}

/** Resolves with the task once it has ended, from its own events. */
function ended(b: Backend, jobId: string): Promise<ScanJobInfo> {
  return new Promise((resolve) => {
    const off = b.events.subscribe((name, p) => {
      const info = p as ScanJobInfo;
      if (name === 'job.progress' && info.jobId === jobId && info.status !== 'running') {
        off();
        resolve(info);
      }
    });
  });
}

test('evaluating a run on another dataset stores a report over the labels the model knows and counts the labels it lacks', async () => {
  const { b, runId } = await withModel();
  const datasetId = await addDataset(b);
  const own = (await ok<RunDetail>(b, 'runs.get', { id: runId })).evaluations;

  const task = await ok<ScanJobInfo>(b, 'runs.evaluate', { runId, datasetId });
  assert.equal(task.kind, 'run.evaluate');
  assert.match(task.title, /model on elsewhere/);
  const done = await ended(b, task.jobId);
  assert.equal(done.status, 'done', done.error ?? '');
  assert.equal(done.filesSeen, 28);

  const e = await ok<DatasetEvaluationInfo>(b, 'runs.evaluation', { id: done.resultId });
  assert.deepEqual([e.runId, e.datasetId, e.datasetName, e.split, e.files], [runId, datasetId, 'elsewhere', 'all', 28]);
  assert.deepEqual(e.labels, MODEL_LABELS, 'the report keeps the model\'s label order and spelling');
  assert.equal(e.macro.support, 22, 'python and javascript files are scored; go files are not');
  assert.deepEqual(e.rows.map((r) => [r.label, r.support]), [['java', 0], ['javascript', 10], ['Python', 12]]);
  assert.equal(e.confusion.flat().reduce((n, v) => n + v, 0), 22);
  assert.equal(e.unknownLabels.length, 1);
  assert.equal(e.unknownLabels[0].label, 'go');
  assert.equal(e.unknownLabels[0].files, 6);
  assert.equal(Object.values(e.unknownLabels[0].predicted).reduce((n, v) => n + v, 0), 6);
  assert.ok(Object.keys(e.unknownLabels[0].predicted).every((l) => MODEL_LABELS.includes(l)));

  // Every file is kept, the go files under their own label; a cell's files are paged.
  const all = await ok<{ rows: PredictionRow[]; total: number }>(b, 'runs.evaluationPredictions', { id: e.id, limit: 1000 });
  assert.equal(all.total, 28);
  const go = await ok<{ rows: PredictionRow[]; total: number }>(b, 'runs.evaluationPredictions', { id: e.id, trueLabel: 'go' });
  assert.equal(go.total, 6);
  assert.ok(go.rows.every((r) => r.path.startsWith('go/')));
  const [predicted, count] = Object.entries(e.unknownLabels[0].predicted)[0];
  assert.equal((await ok<{ total: number }>(b, 'runs.evaluationPredictions', { id: e.id, trueLabel: 'go', predictedLabel: predicted })).total, count);
  const py = await ok<{ rows: PredictionRow[]; total: number }>(b, 'runs.evaluationPredictions', { id: e.id, trueLabel: 'Python' });
  assert.equal(py.total, 12);
  const probs = py.rows.map((r) => r.top.find((t) => t.label === r.predictedLabel)!.probability);
  assert.deepEqual(probs, [...probs].sort((x, y) => x - y), 'least confident first');

  // Listed with the run; the run's own test report is unchanged.
  const listed = await ok<DatasetEvaluationInfo[]>(b, 'runs.evaluations', { runIds: [runId] });
  assert.deepEqual(listed.map((x) => x.id), [e.id]);
  assert.deepEqual((await ok<RunDetail>(b, 'runs.get', { id: runId })).evaluations, own);

  // Deleting the dataset keeps the evaluation, under the dataset's name.
  await ok(b, 'datasets.delete', { id: datasetId });
  const kept = await ok<DatasetEvaluationInfo>(b, 'runs.evaluation', { id: e.id });
  assert.deepEqual([kept.datasetId, kept.datasetName], [null, 'elsewhere']);
  await ok(b, 'runs.deleteEvaluation', { id: e.id });
  assert.equal((await failure(b, 'runs.evaluation', { id: e.id })).code, 'NOT_FOUND');
});

test('an evaluation can cover one split of the dataset', async () => {
  const { b, runId } = await withModel();
  const datasetId = await addDataset(b);
  const task = await ok<ScanJobInfo>(b, 'runs.evaluate', { runId, datasetId, split: 'test' });
  const done = await ended(b, task.jobId);
  assert.equal(done.status, 'done', done.error ?? '');
  const e = await ok<DatasetEvaluationInfo>(b, 'runs.evaluation', { id: done.resultId });
  const testFiles = (await ok<{ total: number }>(b, 'datasets.files', { id: datasetId, split: 'test' })).total;
  assert.equal(e.split, 'test');
  assert.equal(e.files, testFiles);
  assert.ok(e.files > 0 && e.files < 28);
});

test('a cancelled evaluation stores nothing', async () => {
  const { b, runId } = await withModel();
  const datasetId = await addDataset(b);
  const task = await ok<ScanJobInfo>(b, 'runs.evaluate', { runId, datasetId });
  const end = ended(b, task.jobId);
  await ok(b, 'jobs.cancel', { jobId: task.jobId });
  const done = await end;
  assert.equal(done.status, 'cancelled');
  assert.equal(done.resultId, null);
  assert.deepEqual(await ok(b, 'runs.evaluations', { runIds: [runId] }), []);
  const rows = b.store.db.prepare('SELECT count(*) FROM evaluation_predictions').pluck().get();
  assert.equal(rows, 0);
});

test('a dataset with no label in common with the model is refused, naming both, and nothing is stored', async () => {
  const { b, runId } = await withModel();
  const datasetId = await addDataset(b, { go: 5, ruby: 5 });
  const err = await failure(b, 'runs.evaluate', { runId, datasetId });
  assert.equal(err.code, 'INVALID_ARGUMENT');
  assert.match(err.message, new RegExp(`Dataset ${datasetId} \\(elsewhere\\) has no label in common with the model of run ${runId}`));
  assert.match(err.message, /the dataset has go, ruby; the model knows java, javascript, Python/);
  assert.deepEqual(await ok(b, 'runs.evaluations', { runIds: [runId] }), []);
});

test('a run without an exported model is refused with what to do', async () => {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir(), engineEntry: `${FAKE}?mode=fail` });
  backends.push(b);
  const { runId } = await ok<{ runId: number }>(b, 'runs.start', { name: 'broken', datasetId: seedDataset(b.store.db), model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' });
  assert.equal((await b.runs.waitFor(runId)).status, 'FAILED');
  const datasetId = await addDataset(b);
  const err = await failure(b, 'runs.evaluate', { runId, datasetId });
  assert.equal(err.code, 'NOT_AVAILABLE');
  assert.match(err.message, new RegExp(`Run ${runId} has no exported model \\(it is FAILED\\); only a finished run with an exported model can be evaluated on a dataset`));
  assert.equal((await failure(b, 'runs.evaluate', { runId: 999, datasetId })).code, 'NOT_FOUND');
  assert.equal((await failure(b, 'runs.evaluate', { runId, datasetId: 999 })).code, 'NOT_AVAILABLE', 'the run is checked first');
});
