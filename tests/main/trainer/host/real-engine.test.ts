// The real engine entry (the trainer in a worker thread) behind the RunManager, on a tiny model:
// a run finishes with its report, export and Try it answers; a cancelled one resumes and finishes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RunLogLine } from '../../../../preload/contract.ts';
import { EventHub } from '../../../../main/api/events.ts';
import { probeProvider } from '../../../../main/engine/runtime/provider-probe.ts';
import { getRun } from '../../../../main/store/runs.ts';
import { openStore, type Store } from '../../../../main/store/store.ts';
import { Predictor } from '../../../../main/trainer/host/predictor.ts';
import { RunManager } from '../../../../main/trainer/host/run-manager.ts';
import { exportedModelDir } from '../../../../main/trainer/host/run-model.ts';
import { tempDir } from '../../../helpers/temp.ts';
import { tinyDataset, tinyHyperparameters } from '../tiny-run.ts';

const open: { store: Store; manager: RunManager }[] = [];
const predictor = new Predictor();
after(() => (predictor.close(), open.forEach(({ store, manager }) => (manager.close(), store.close()))));

async function setup() {
  const dir = tempDir();
  const { storeFile, datasetId } = await tinyDataset(dir, { perClass: 12 });
  const store = openStore({ file: storeFile });
  const events = new EventHub();
  const manager = new RunManager({ store, dataDir: dir, events, threads: 1 });
  open.push({ store, manager });
  const { d_model, num_layers, num_heads, dim_feedforward, max_length, batch_size, learning_rate, seed, early_stopping_patience } = tinyHyperparameters();
  const hyperparameters = { d_model, num_layers, num_heads, dim_feedforward, max_length, batch_size, learning_rate, seed, early_stopping_patience };
  return { dir, store, events, manager, datasetId, hyperparameters };
}

test('a tiny run trains in the engine worker and ends FINISHED with its report and model', async () => {
  const { dir, store, manager, datasetId, hyperparameters } = await setup();
  const { runId } = await manager.start({ datasetId, model: { kind: 'scratch' }, hyperparameters: { ...hyperparameters, epochs: 3 }, provider: 'cpu' });
  const summary = await manager.waitFor(runId);
  assert.equal(summary.status, 'FINISHED', summary.error ?? '');
  const run = getRun(store.db, runId);
  assert.equal(run.evaluations[0].labels.length, 3);
  assert.ok(typeof run.latest.train_loss === 'number');
  assert.ok(typeof run.latest.val_loss === 'number');
  const modelDir = exportedModelDir(store.db, dir, runId);
  const [ranked] = await predictor.predict(modelDir, ['<item id="1">\n  <name>n1</name>\n</item>\n']);
  assert.equal(ranked.length, 3);
  const total = store.db.prepare('SELECT count(*) FROM run_predictions WHERE run_id = ?').pluck().get(runId) as number;
  assert.equal(total, run.evaluations[0].macro.support);
  assert.ok(fs.existsSync(path.join(path.dirname(modelDir), 'checkpoints', 'best')));
  // Closed while a batch is inside session.run: the answer still comes, then the worker stops
  // (terminating it mid-run aborted the process), and a later request starts a new one.
  const big = predictor.predict(modelDir, Array.from({ length: 3000 }, (_, i) => `<item id="${i}">\n  <name>n${i}</name>\n</item>\n`));
  await predictor.close();
  assert.equal((await big).length, 3000);
  assert.equal((await predictor.predict(modelDir, ['<a/>'])).length, 1);
});

test('a real run cancelled mid-way ends KILLED with a checkpoint, and resumes to FINISHED', async () => {
  const { store, events, manager, datasetId, hyperparameters } = await setup();
  const trainingStarted = new Promise<void>((resolve) => events.subscribe((name, p) => {
    if (name === 'run.log' && /Validation at step/.test((p as RunLogLine).message)) resolve();
  }));
  const { runId } = await manager.start({ datasetId, model: { kind: 'scratch' }, hyperparameters: { ...hyperparameters, epochs: 25 }, provider: 'cpu' });
  await trainingStarted;
  const killed = await manager.cancel(runId);
  assert.equal(killed.status, 'KILLED', killed.error ?? '');
  assert.ok(getRun(store.db, runId).artifacts.some((a) => a.kind === 'checkpoint'));
  await manager.resume(runId);
  const done = await manager.waitFor(runId);
  assert.equal(done.status, 'FINISHED', done.error ?? '');
  assert.ok(manager.log(runId).some((l) => /Resumed from the last checkpoint/.test(l.message)));
});

test('a run that asks for a GPU provider which cannot start here trains on the CPU, saying so in its log and its row', async (t) => {
  const { store, manager, datasetId, hyperparameters } = await setup();
  const webgpu = await probeProvider('webgpu');
  if (webgpu.usable) return t.skip('WebGPU works on this machine, so nothing falls back');
  const { runId } = await manager.start({ datasetId, model: { kind: 'scratch' }, hyperparameters: { ...hyperparameters, epochs: 2 }, provider: 'webgpu' });
  const summary = await manager.waitFor(runId);
  assert.equal(summary.status, 'FINISHED', summary.error ?? '');
  assert.equal(summary.provider, 'webgpu', 'the row keeps what was asked for');
  assert.equal(summary.providerUsed, 'cpu');
  assert.match(summary.providerWarning ?? '', /^WebGPU could not start \(.*adapter.*\); training on the CPU instead\./);
  const warnings = manager.log(runId).filter((l) => l.level === 'warn');
  assert.ok(warnings.some((l) => l.message === summary.providerWarning), 'the same reason is a warning in the log');
  assert.ok(manager.log(runId).some((l) => /parameters, on cpu with/.test(l.message)));
  assert.equal(getRun(store.db, runId).providerUsed, 'cpu');
});
