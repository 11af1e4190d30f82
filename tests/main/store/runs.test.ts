import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { getMetricSeries, logMetrics } from '../../../main/store/metrics.ts';
import { listPredictions } from '../../../main/store/run-predictions.ts';
import Database from 'better-sqlite3';
import { loadMigrations, migrate } from '../../../main/store/migrate.ts';
import { createRun, getRun, listRuns, saveRunResults, setRunNote, setRunProviderUsed, setRunStatus, setRunTags, allTags } from '../../../main/store/runs.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

function freshStore() {
  return openStore({ file: path.join(tempDir(), 'langlab.db') });
}

test('runs list newest first with dataset name, key params, tags and latest metrics', () => {
  const { db } = freshStore();
  const ds = seedDataset(db, 'ref');
  const a = seedFinishedRun(db, ds, 'alpha', 1e-4, ['baseline']);
  const b = createRun(db, { name: 'beta', datasetId: ds, modelKind: 'pretrained', modelSource: '/models/codeberta', params: { learning_rate: 2e-5, batch_size: 8 }, startTime: Date.now() });
  const page = listRuns(db);
  assert.equal(page.total, 2);
  assert.deepEqual(page.runs.map((r) => r.id), [b, a]);
  const alpha = page.runs[1];
  assert.equal(alpha.datasetName, 'ref');
  assert.equal(alpha.status, 'FINISHED');
  assert.deepEqual(alpha.tags, ['baseline']);
  assert.equal(alpha.keyParams.learning_rate, 1e-4);
  assert.equal(alpha.keyParams.batch_size, 16);
  assert.ok(alpha.latest.val_accuracy !== undefined && alpha.latest.val_accuracy! > 0.9);
  assert.equal(page.runs[0].status, 'RUNNING');
});

test('runs filter by text (name, dataset, note, tag), by tag and by status', () => {
  const { db } = freshStore();
  const ds = seedDataset(db, 'github-mix');
  const a = seedFinishedRun(db, ds, 'small-lr', 1e-5, ['sweep']);
  const b = seedFinishedRun(db, ds, 'big-lr', 1e-3);
  setRunNote(db, b, 'diverged after epoch 2');
  const c = createRun(db, { name: 'other', datasetId: null, modelKind: 'scratch', params: {} });
  assert.deepEqual(listRuns(db, { text: 'small' }).runs.map((r) => r.id), [a]);
  assert.deepEqual(listRuns(db, { text: 'diverged' }).runs.map((r) => r.id), [b]);
  assert.deepEqual(listRuns(db, { text: 'github' }).runs.map((r) => r.id).sort(), [a, b].sort());
  assert.deepEqual(listRuns(db, { text: 'swe' }).runs.map((r) => r.id), [a]);
  assert.deepEqual(listRuns(db, { tag: 'sweep' }).runs.map((r) => r.id), [a]);
  assert.deepEqual(listRuns(db, { status: 'RUNNING' }).runs.map((r) => r.id), [c]);
  // LIKE wildcards typed by a user are literal characters.
  assert.equal(listRuns(db, { text: '%' }).total, 0);
});

test('latest metrics follow the highest step even when points arrive out of order; NaN is kept as a gap', () => {
  const { db } = freshStore();
  const id = createRun(db, { name: 'r', datasetId: null, modelKind: 'scratch', params: {} });
  logMetrics(db, id, [
    { key: 'train_loss', step: 20, value: 0.5 },
    { key: 'train_loss', step: 10, value: 0.9 },
    { key: 'train_loss', step: 30, value: Number.NaN },
  ]);
  const run = getRun(db, id);
  assert.equal(run.latest.train_loss, null);
  const [series] = getMetricSeries(db, [id], ['train_loss']);
  assert.deepEqual(series.points.map((p) => [p.step, p.value]), [[10, 0.9], [20, 0.5], [30, null]]);
});

test('run detail carries params, evaluation with label order, and status changes', () => {
  const { db } = freshStore();
  const ds = seedDataset(db);
  const id = seedFinishedRun(db, ds, 'eval-run');
  const run = getRun(db, id);
  assert.equal(run.params.seed, 42);
  assert.equal(run.evaluations.length, 1);
  assert.deepEqual(run.evaluations[0].labels, ['java', 'json', 'python']);
  assert.deepEqual(run.evaluations[0].confusion[0], [9, 1, 0]);
  setRunStatus(db, id, 'FAILED', 'Loss became NaN at step 120.');
  assert.equal(getRun(db, id).error, 'Loss became NaN at step 120.');
  assert.throws(() => getRun(db, 9999), /no run 9999/);
});

test('tags are trimmed and de-duplicated; the tag list is global', () => {
  const { db } = freshStore();
  const a = createRun(db, { name: 'a', datasetId: null, modelKind: 'scratch', params: {} });
  setRunTags(db, a, [' best ', 'best', 'cpu', '']);
  assert.deepEqual(getRun(db, a).tags, ['best', 'cpu']);
  assert.deepEqual(allTags(db), ['best', 'cpu']);
  setRunTags(db, a, []);
  assert.deepEqual(allTags(db), []);
});

test('listing stays correct with 1,000 runs and pages through them', () => {
  const { db } = freshStore();
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) createRun(db, { name: `run-${i}`, datasetId: null, modelKind: 'scratch', params: { learning_rate: i }, startTime: i });
  })();
  const page = listRuns(db, { limit: 50, offset: 100 });
  assert.equal(page.total, 1000);
  assert.equal(page.runs.length, 50);
  assert.equal(page.runs[0].name, 'run-899');
});

test("a run's results replace those of an earlier end (a resumed run), and a run that did not finish writes only its metrics", () => {
  const { db } = freshStore();
  const id = seedFinishedRun(db, seedDataset(db), 'resumed');
  const before = getRun(db, id).evaluations[0];
  const prediction = (path: string, predictedLabel: string) => ({
    fileIndex: 0, path, trueLabel: 'java', predictedLabel, top: [{ label: predictedLabel, probability: 0.9 }, { label: 'json', probability: 0.1 }],
  });
  saveRunResults(db, id, { evaluation: null, predictions: null, metrics: [{ key: 'wall_seconds', step: 300, value: 12 }] });
  assert.deepEqual(getRun(db, id).evaluations, [before]);
  assert.equal(getRun(db, id).latest.wall_seconds, 12);

  saveRunResults(db, id, { evaluation: { ...before, accuracy: 0.5 }, predictions: [prediction('A.java', 'java')], metrics: [] });
  saveRunResults(db, id, { evaluation: { ...before, accuracy: 0.75 }, predictions: [prediction('B.java', 'python')], metrics: [{ key: 'wall_seconds', step: 600, value: 30 }] });
  const run = getRun(db, id);
  assert.deepEqual(run.evaluations.map((e) => [e.split, e.accuracy]), [['test', 0.75]]);
  assert.deepEqual(listPredictions(db, { id }).rows.map((r) => [r.path, r.predictedLabel]), [['B.java', 'python']]);
  assert.equal(run.latest.wall_seconds, 30);
});

test('a run summary carries its test result in brief: accuracy, macro F1, classes and the most predicted label', () => {
  const { db } = freshStore();
  const ds = seedDataset(db, 'ref');
  const finished = seedFinishedRun(db, ds, 'alpha');
  createRun(db, { name: 'beta', datasetId: ds, modelKind: 'scratch', params: {}, startTime: Date.now() });
  const byName = new Map(listRuns(db).runs.map((r) => [r.name, r]));
  // The seeded confusion matrix predicts java 9, json 6 and python 12 times out of 27.
  assert.deepEqual(byName.get('alpha')!.test, { accuracy: 0.962963, macroF1: 0.95215, classes: 3, topPredicted: { label: 'python', share: 12 / 27 } });
  assert.equal(byName.get('beta')!.test, null);
  assert.equal(getRun(db, finished).test?.classes, 3);
});

test('a run keeps the provider it asked for and records the one it ran on, with the reason when they differ', () => {
  const { db } = freshStore();
  const ds = seedDataset(db, 'ref');
  const id = createRun(db, { name: 'gpu wish', datasetId: ds, modelKind: 'scratch', provider: 'webgpu', params: {} });
  assert.deepEqual(pick(getRun(db, id)), { provider: 'webgpu', providerUsed: null, providerWarning: null });
  setRunProviderUsed(db, id, 'cpu', 'WebGPU could not start (no adapter); training on the CPU instead.');
  assert.deepEqual(pick(listRuns(db).runs[0]), { provider: 'webgpu', providerUsed: 'cpu', providerWarning: 'WebGPU could not start (no adapter); training on the CPU instead.' });
  // A resume that gets the GPU clears the warning.
  setRunProviderUsed(db, id, 'webgpu', null);
  assert.deepEqual(pick(getRun(db, id)), { provider: 'webgpu', providerUsed: 'webgpu', providerWarning: null });
  assert.throws(() => setRunProviderUsed(db, 999, 'cpu', null), /no run 999/);
});

test('schema 8 marks the runs that asked for the CPU as run on it, and leaves GPU wishes unknown', () => {
  const dir = tempDir();
  const raw = new Database(path.join(dir, 'old.db'));
  const before = loadMigrations().filter((m) => m.version < 8);
  migrate(raw, before, 'old.db');
  raw.prepare(`INSERT INTO runs (name, status, model_kind, provider, start_time) VALUES ('a', 'FINISHED', 'scratch', 'cpu', 1), ('b', 'FINISHED', 'scratch', 'webgpu', 2)`).run();
  migrate(raw, loadMigrations(), 'old.db');
  assert.deepEqual(raw.prepare('SELECT name, provider_used FROM runs ORDER BY name').all(), [{ name: 'a', provider_used: 'cpu' }, { name: 'b', provider_used: null }]);
  raw.close();
});

function pick(r: { provider: string; providerUsed: string | null; providerWarning: string | null }) {
  return { provider: r.provider, providerUsed: r.providerUsed, providerWarning: r.providerWarning };
}
