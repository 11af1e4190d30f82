import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ModelCheck, PredictionRow, Preset, RankedLabel, RunEstimate, RunLogLine, RunSummary } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { runDirectory } from '../../../main/trainer/host/run-paths.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { tempDir } from '../../helpers/temp.ts';

const FAKE = new URL('../trainer/host/fake-engine.ts', import.meta.url).href;
const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

function backend(mode = 'finish'): Backend {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir(), engineEntry: `${FAKE}?mode=${mode}` });
  backends.push(b);
  return b;
}

function tinyModel(): string {
  const dir = path.join(tempDir(), 'tiny-roberta');
  writeTinyRoberta(dir, { labels: ['java', 'json'], max_length: 16 });
  return dir;
}

test('models.check describes a model folder; a broken one is an error naming the file', async () => {
  const b = backend();
  const dir = tinyModel();
  const check = await ok<ModelCheck>(b, 'models.check', { path: dir });
  assert.equal(check.architecture, 'RobertaForSequenceClassification');
  assert.equal(check.numLayers, 2);
  assert.equal(check.maxPositions, 16);
  assert.equal(check.checkpointLabels, 2);
  assert.ok(check.totalParams > 10_000);

  fs.rmSync(path.join(dir, 'tokenizer.json'));
  const noTokenizer = await failure(b, 'models.check', { path: dir });
  assert.equal(noTokenizer.code, 'INVALID_ARGUMENT');
  assert.ok(noTokenizer.message.includes(path.join(dir, 'tokenizer.json')), noTokenizer.message);
  fs.writeFileSync(path.join(dir, 'model.safetensors'), Buffer.from([1, 2, 3]));
  assert.ok((await failure(b, 'models.check', { path: dir })).message.includes(path.join(dir, 'model.safetensors')));
  fs.rmSync(path.join(dir, 'config.json'));
  assert.match((await failure(b, 'models.check', { path: dir })).message, /config\.json is missing/);
});

test('start and estimate refuse out-of-range hyperparameters, naming each value', async () => {
  const b = backend();
  const datasetId = seedDataset(b.store.db);
  const model = { kind: 'pretrained', path: tinyModel() };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ batch_size: 0 }, /batch_size\) must be a whole number 1 to 1024, got 0/],
    [{ learning_rate: -0.001 }, /learning_rate\) must be a number above 0, up to 1, got -0.001/],
    [{ max_length: 64 }, /max_length\) must be at most 16, the positions this model has, got 64/],
    [{ unfreeze_last_n_layers: 3 }, /unfreeze_last_n_layers\) must be at most 2, the layers this model has, got 3/],
  ];
  for (const [hyperparameters, message] of cases) {
    for (const name of ['runs.start', 'runs.estimate']) {
      const extra = name === 'runs.start' ? { provider: 'cpu' } : {};
      const err = await failure(b, name, { datasetId, model, hyperparameters, ...extra });
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, message);
    }
  }
  b.store.db.prepare(`UPDATE datasets SET split_counts = '{"train":0,"validation":0,"test":5}' WHERE id = ?`).run(datasetId);
  assert.match((await failure(b, 'runs.start', { datasetId, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' })).message, /empty train split \(0 files\)/);
  assert.match((await failure(b, 'runs.start', { datasetId, model: { kind: 'scratch' }, hyperparameters: { epochs: 'many' }, provider: 'cpu' })).message, /hyperparameters\.epochs/);
  assert.equal(b.store.db.prepare('SELECT count(*) FROM runs').pluck().get(), 0, 'nothing was created');
});

test('runs.estimate counts parameters, steps and memory', async () => {
  const b = backend();
  const datasetId = seedDataset(b.store.db);
  const scratch = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model: { kind: 'scratch' }, hyperparameters: { batch_size: 16, d_model: 64, num_heads: 4, num_layers: 2, dim_feedforward: 128 } });
  assert.equal(scratch.trainableParams, scratch.totalParams);
  assert.equal(scratch.trainFiles, 194);
  assert.equal(scratch.stepsPerEpoch, 13);
  assert.ok(scratch.memoryBytes > 300 * 1024 ** 2);
  assert.ok(scratch.secondsPerEpoch !== null && scratch.secondsPerEpoch >= 0);
  assert.deepEqual([scratch.timeBasis, scratch.measuredRuns], ['model', 0], 'nothing has trained here yet');
  assert.ok(scratch.secondsPerEpochRange![0] <= scratch.secondsPerEpoch! && scratch.secondsPerEpoch! <= scratch.secondsPerEpochRange![1]);
  const model = { kind: 'pretrained', path: tinyModel() };
  const frozen = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model, hyperparameters: { freeze_base_model: true, unfreeze_last_n_layers: 1 } });
  const open = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model, hyperparameters: { freeze_base_model: false } });
  assert.equal(frozen.totalParams, open.totalParams);
  assert.equal(open.trainableParams, open.totalParams);
  assert.ok(frozen.trainableParams < open.trainableParams);
  // The frozen-layer cache's disk: float16 outputs of the frozen layers, per training file's tokens.
  assert.ok(frozen.prefixCacheBytes !== undefined && frozen.prefixCacheBytes > 0);
  assert.equal(open.prefixCacheBytes, undefined, 'nothing to cache when nothing is frozen');
  const uncached = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model, hyperparameters: { freeze_base_model: true, unfreeze_last_n_layers: 1, cache_frozen_layers: false } });
  assert.equal(uncached.prefixCacheBytes, undefined);
  assert.ok(uncached.secondsPerEpoch! >= frozen.secondsPerEpoch!, 'the cache makes the average epoch cheaper');
});

test('a run through the bridge: start, log, predictions by confusion cell, Try it, delete', async () => {
  const b = backend('finish');
  const datasetId = seedDataset(b.store.db);
  const { runId } = await ok<{ runId: number }>(b, 'runs.start', { name: 'bridge', datasetId, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' });
  const done = await b.runs.waitFor(runId);
  assert.equal(done.status, 'FINISHED');
  assert.deepEqual(await ok(b, 'runs.active', {}), []);
  // The estimate now uses this run's timing for the same model and length, any batch size; another length falls back to the FLOP model.
  const measured = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model: { kind: 'scratch' }, hyperparameters: {} });
  assert.deepEqual([measured.timeBasis, measured.measuredRuns], ['measured', 1]);
  const [lo, hi] = measured.totalSecondsRange!;
  assert.ok(lo <= hi && measured.secondsPerEpochRange![0] <= measured.secondsPerEpochRange![1]);
  const scaled = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model: { kind: 'scratch' }, hyperparameters: { batch_size: 4 } });
  assert.equal(scaled.timeBasis, 'measured');
  // Another length: the FLOP model, scaled by how this machine ran the measured one.
  const other = await ok<RunEstimate>(b, 'runs.estimate', { datasetId, model: { kind: 'scratch' }, hyperparameters: { max_length: 128 } });
  assert.deepEqual([other.timeBasis, other.measuredRuns], ['scaled', 1]);
  const log = await ok<RunLogLine[]>(b, 'runs.log', { id: runId, afterSeq: 1 });
  assert.equal(log[0].seq, 2);
  const all = await ok<{ rows: PredictionRow[]; total: number }>(b, 'runs.predictions', { id: runId });
  assert.equal(all.total, 3);
  const cell = await ok<{ rows: PredictionRow[]; total: number }>(b, 'runs.predictions', { id: runId, trueLabel: 'json', predictedLabel: 'python' });
  assert.deepEqual(cell.rows.map((r) => r.path), ['json/a.json']);
  const page = await ok<{ rows: PredictionRow[]; total: number }>(b, 'runs.predictions', { id: runId, offset: 1, limit: 1 });
  assert.equal(page.rows.length, 1);
  assert.equal(page.total, 3);

  // The fake's model folder is not a real export: Try it says so; with a real export it answers.
  assert.match((await failure(b, 'runs.predict', { id: runId, text: 'x' })).message, /.+/);
  const modelDir = path.join(runDirectory(b.dataDir, runId), 'model');
  const labels = ['java', 'json', 'python'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(modelDir, { family: 'scratch', config, weights: initScratchWeights(config, 1), labels });
  const ranked = await ok<RankedLabel[]>(b, 'runs.predict', { id: runId, text: 'def f(x):\n    return x\n' });
  assert.deepEqual(ranked.map((r) => r.label).sort(), labels);
  assert.ok(Math.abs(ranked.reduce((s, r) => s + r.probability, 0) - 1) < 1e-5);
  assert.ok(ranked[0].probability >= ranked[1].probability);

  assert.deepEqual(await ok(b, 'runs.delete', { id: runId }), { id: runId });
  assert.equal((await failure(b, 'runs.get', { id: runId })).code, 'NOT_FOUND');
  assert.equal((await failure(b, 'runs.predictions', { id: runId })).code, 'NOT_FOUND');
});

test('cancel and resume through the bridge', async () => {
  const b = backend('cancel');
  const datasetId = seedDataset(b.store.db);
  const waiting = new Promise<void>((resolve) => b.events.subscribe((name, p) => {
    if (name === 'run.log' && /waiting for cancel/.test((p as RunLogLine).message)) resolve();
  }));
  const { runId } = await ok<{ runId: number }>(b, 'runs.start', { datasetId, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' });
  await waiting;
  const active = await ok<{ runId: number }[]>(b, 'runs.active', {});
  assert.deepEqual(active.map((p) => p.runId), [runId]);
  assert.equal((await failure(b, 'runs.delete', { id: runId })).code, 'BUSY');
  const killed = await ok<RunSummary>(b, 'runs.cancel', { id: runId });
  assert.equal(killed.status, 'KILLED');
  assert.deepEqual(await ok(b, 'runs.resume', { id: runId }), { runId });
  assert.equal((await b.runs.waitFor(runId)).status, 'FINISHED');
});

test('presets are saved, replaced by name, listed and deleted', async () => {
  const b = backend();
  const first = await ok<Preset>(b, 'presets.save', { name: 'fast', modelKind: 'scratch', hyperparameters: { epochs: 1 } });
  const again = await ok<Preset>(b, 'presets.save', { name: 'fast', modelKind: 'scratch', hyperparameters: { epochs: 2, batch_size: 8 } });
  assert.equal(again.id, first.id);
  await ok<Preset>(b, 'presets.save', { name: 'fast', modelKind: 'pretrained', hyperparameters: { epochs: 3 } });
  const list = await ok<Preset[]>(b, 'presets.list', {});
  assert.deepEqual(list.map((p) => [p.name, p.modelKind, p.hyperparameters.epochs]), [['fast', 'pretrained', 3], ['fast', 'scratch', 2]]);
  assert.match((await failure(b, 'presets.save', { name: 'x', modelKind: 'scratch', hyperparameters: { warp: 9 } })).message, /warp|Unrecognized/);
  assert.deepEqual(await ok(b, 'presets.delete', { id: first.id }), { id: first.id });
  assert.equal((await failure(b, 'presets.delete', { id: first.id })).code, 'NOT_FOUND');
});
