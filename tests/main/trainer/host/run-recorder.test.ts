import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RunLogLine } from '../../../../preload/contract.ts';
import { getMetricSeries } from '../../../../main/store/metrics.ts';
import { runLogLines } from '../../../../main/store/run-logs.ts';
import { getRun } from '../../../../main/store/runs.ts';
import { storePath } from '../../../../main/store/paths.ts';
import { openStore, type Store } from '../../../../main/store/store.ts';
import type { TrainOutcome } from '../../../../main/trainer/host/protocol.ts';
import { planRun } from '../../../../main/trainer/host/run-plan.ts';
import { recordNewRun, RunRecorder } from '../../../../main/trainer/host/run-recorder.ts';
import { seedDataset } from '../../../helpers/seed.ts';
import { tempDir } from '../../../helpers/temp.ts';

const stores: Store[] = [];
after(() => stores.forEach((s) => s.close()));

function setup() {
  const dataDir = tempDir();
  const store = openStore({ file: storePath(dataDir) });
  stores.push(store);
  const args = { datasetId: seedDataset(store.db), model: { kind: 'scratch' as const }, hyperparameters: { batch_size: 8 }, provider: 'cpu' };
  const runId = recordNewRun(store.db, args, planRun(store.db, args));
  const runDir = path.join(dataDir, 'run');
  fs.mkdirSync(path.join(runDir, 'checkpoints', 'last'), { recursive: true });
  const lines: RunLogLine[] = [];
  const recorder = new RunRecorder({ db: store.db, dataDir, runId, runDir, metricIntervalMs: 60_000, onLog: (l) => lines.push(l) });
  return { store, runId, recorder, lines };
}

const killed: TrainOutcome = {
  status: 'KILLED', epochsCompleted: 1, steps: 6, bestValLoss: 0.5, bestValAccuracy: null, evaluation: null, predictions: [], exportDir: null,
  wallSeconds: 2, secondsToBest: 1, provider: 'cpu', labels: ['java', 'json', 'python'],
};

test('a new run is named after its model and dataset and keeps its parameters', () => {
  const { store, runId } = setup();
  const run = getRun(store.db, runId);
  assert.equal(run.name, 'scratch on reference-8');
  assert.equal(run.params.batch_size, 8);
  assert.equal(run.params.dataset_name, 'reference-8');
  assert.equal(run.params.model_path, null);
});

test('metrics wait for the batch; results write them with the summary and the artifacts that exist', async () => {
  const { store, runId, recorder } = setup();
  recorder.metrics([{ key: 'train_loss', value: 1, step: 1, epoch: 0.1 }]);
  assert.equal(getMetricSeries(store.db, [runId], ['train_loss'])[0]?.points.length ?? 0, 0, 'buffered');
  await recorder.results(killed);
  assert.equal(getMetricSeries(store.db, [runId], ['train_loss'])[0].points.length, 1);
  const run = getRun(store.db, runId);
  assert.equal(run.latest.best_val_loss, 0.5);
  assert.equal(run.latest.epochs_completed, 1);
  assert.equal(run.latest.best_val_accuracy, undefined, 'a null figure is not written');
  assert.deepEqual(run.evaluations, [], 'a KILLED outcome has no evaluation');
  assert.deepEqual(run.artifacts.map((a) => a.kind), ['checkpoint'], 'only what is on disk (no best checkpoint, no log yet)');
});

test('the end writes the ending log lines and the status', () => {
  const { store, runId, recorder, lines } = setup();
  recorder.end('KILLED');
  recorder.log('info', 'after');
  assert.deepEqual(lines.map((l) => [l.seq, l.message]), [[1, 'The run was cancelled; its last checkpoint is kept and it can be resumed.'], [2, 'after']]);
  assert.equal(getRun(store.db, runId).status, 'KILLED');
  const failed = setup();
  failed.recorder.end('FAILED', 'The engine process stopped unexpectedly (x).');
  assert.deepEqual(runLogLines(failed.store.db, failed.runId, 0).map((l) => [l.level, l.message]), [['error', 'The engine process stopped unexpectedly (x).']]);
  assert.equal(getRun(failed.store.db, failed.runId).error, 'The engine process stopped unexpectedly (x).');
});
