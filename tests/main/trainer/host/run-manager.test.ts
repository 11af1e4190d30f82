import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { EventName, Events } from '../../../../preload/contract.ts';
import { defaultHyperparameters } from '../../../../preload/hyperparameters.ts';
import { EventHub } from '../../../../main/api/events.ts';
import { listPredictions } from '../../../../main/store/run-predictions.ts';
import { getMetricSeries } from '../../../../main/store/metrics.ts';
import { getRun } from '../../../../main/store/runs.ts';
import { storePath } from '../../../../main/store/paths.ts';
import { openStore, type Store } from '../../../../main/store/store.ts';
import { RunManager } from '../../../../main/trainer/host/run-manager.ts';
import { runDirectory } from '../../../../main/trainer/host/run-paths.ts';
import { seedDataset } from '../../../helpers/seed.ts';
import { tempDir } from '../../../helpers/temp.ts';

const FAKE = new URL('./fake-engine.ts', import.meta.url).href;
const stores: Store[] = [];
after(() => stores.forEach((s) => s.close()));

function setup(mode: string) {
  const dataDir = tempDir();
  const store = openStore({ file: storePath(dataDir) });
  stores.push(store);
  const events = new EventHub();
  const seen: { name: EventName; payload: unknown }[] = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const manager = new RunManager({ store, dataDir, events, engineEntry: `${FAKE}?mode=${mode}`, progressIntervalMs: 60_000 });
  const datasetId = seedDataset(store.db);
  const start = (hyperparameters = {}) => manager.start({ datasetId, model: { kind: 'scratch' }, hyperparameters, provider: 'cpu' });
  const nextEvent = <K extends EventName>(name: K, match: (p: Events[K]) => boolean) =>
    new Promise<Events[K]>((resolve) => {
      const off = events.subscribe((n: EventName, p: unknown) => {
        if (n === name && match(p as Events[K])) {
          off();
          resolve(p as Events[K]);
        }
      });
    });
  return { dataDir, store, events, seen, manager, datasetId, start, nextEvent };
}

test('a finished run stores its params, every metric, its evaluation, predictions, artifacts and log', async () => {
  const { store, manager, seen, start, dataDir } = setup('finish');
  const { runId } = await start({ batch_size: 8 });
  assert.equal(getRun(store.db, runId).status, 'RUNNING');
  assert.equal(manager.active().length, 1);
  const summary = await manager.waitFor(runId);
  assert.equal(summary.status, 'FINISHED');
  assert.equal(manager.active().length, 0);

  const run = getRun(store.db, runId);
  assert.equal(run.params.batch_size, 8);
  assert.equal(run.params.learning_rate, defaultHyperparameters('scratch').learning_rate, 'missing keys take the defaults');
  assert.equal(run.params.model_kind, 'scratch');
  assert.equal(run.params.dataset_fingerprint, 'f'.repeat(64));
  assert.equal(run.evaluations.length, 1);
  assert.deepEqual(run.evaluations[0].confusion, [[1, 0, 0], [0, 0, 1], [0, 0, 1]]);
  assert.deepEqual(run.artifacts.map((a) => a.kind).sort(), ['best-checkpoint', 'checkpoint', 'export', 'log']);
  assert.ok(run.artifacts.every((a) => !path.isAbsolute(a.path) && fs.existsSync(path.join(dataDir, a.path))));
  assert.equal(run.latest.best_val_loss, 0.25);

  const [loss] = getMetricSeries(store.db, [runId], ['train_loss']);
  assert.equal(loss.points.length, 20, 'every metric point reaches the store');
  const cell = listPredictions(store.db, { id: runId, trueLabel: 'json', predictedLabel: 'python' });
  assert.equal(cell.total, 1);
  assert.equal(cell.rows[0].path, 'json/a.json');

  const log = manager.log(runId);
  assert.deepEqual(log.map((l) => l.seq), log.map((_, i) => i + 1));
  assert.ok(log.some((l) => /fake trained with batch size 8/.test(l.message)));
  assert.deepEqual(manager.log(runId, log.length - 1).map((l) => l.seq), [log.length]);
  assert.match(fs.readFileSync(path.join(runDirectory(dataDir, runId), 'log.txt'), 'utf8'), /fake trained/);

  const progress = seen.filter((e) => e.name === 'job.progress');
  assert.equal(progress.length, 2, 'within one interval only the first update and the final one go out');
  assert.deepEqual(progress.map((e) => (e.payload as { kind: string; storeId: number }).kind), ['run', 'run']);
  assert.equal((progress.at(-1)!.payload as { storeId: number }).storeId, runId);
  assert.equal((progress.at(-1)!.payload as { phase: string }).phase, 'finished');
  assert.equal((progress.at(-1)!.payload as { status: string }).status, 'done');
  const changes = seen.filter((e) => e.name === 'store.changed').map((e) => e.payload);
  assert.deepEqual(changes, [{ what: 'runs', id: runId }, { what: 'runs', id: runId }, { what: 'runs', id: runId }],
    'one change when it starts, one when its engine says where it runs, and one when it ends');
  assert.deepEqual([run.providerUsed, run.providerWarning], ['cpu', null]);
});

test('a thrown error ends the run FAILED with its message', async () => {
  const { store, manager, start } = setup('fail');
  const { runId } = await start();
  const summary = await manager.waitFor(runId);
  assert.equal(summary.status, 'FAILED');
  assert.match(summary.error ?? '', /Loss became NaN at step 3/);
  assert.equal(getMetricSeries(store.db, [runId], ['train_loss'])[0].points.length, 3, 'metrics sent before the failure are kept');
  assert.ok(manager.log(runId).some((l) => l.level === 'error'));
});

for (const mode of ['crash', 'exit']) {
  test(`an engine process that ${mode === 'crash' ? 'crashes' : 'exits'} marks the run FAILED and the manager keeps working`, async () => {
    const { store, manager, start } = setup(mode);
    const { runId } = await start();
    const summary = await manager.waitFor(runId);
    assert.equal(summary.status, 'FAILED');
    assert.match(summary.error ?? '', mode === 'crash' ? /engine process stopped unexpectedly \(the native runtime blew up\)/ : /exited with code 7/);
    assert.equal(getMetricSeries(store.db, [runId], ['train_loss'])[0].points.length, 5, 'metrics that reached the main thread are written');
    const again = await start();
    assert.equal((await manager.waitFor(again.runId)).status, 'FAILED');
  });
}

test('cancel ends the run KILLED with its checkpoint; resume continues it under the same id', async () => {
  const { dataDir, store, manager, start, nextEvent } = setup('cancel');
  const { runId } = await start();
  await nextEvent('run.log', (l) => l.runId === runId && /waiting for cancel/.test(l.message));
  const killed = await manager.cancel(runId);
  assert.equal(killed.status, 'KILLED');
  const state = path.join(runDirectory(dataDir, runId), 'checkpoints', 'last', 'state.json');
  assert.deepEqual(JSON.parse(fs.readFileSync(state, 'utf8')), { step: 6 });
  await assert.rejects(manager.cancel(runId), /not training \(it is KILLED\)/);
  const seqBefore = manager.log(runId).length;

  assert.deepEqual(await manager.resume(runId), { runId });
  const done = await manager.waitFor(runId);
  assert.equal(done.status, 'FINISHED');
  assert.equal(done.error, null);
  const log = manager.log(runId, seqBefore);
  assert.equal(log[0].seq, seqBefore + 1, 'the log continues its numbering');
  assert.ok(log.some((l) => l.message === 'fake resumed at step 6'));
  await assert.rejects(manager.resume(runId), /FINISHED; only KILLED, FAILED or INTERRUPTED/);
  assert.equal(getRun(store.db, runId).evaluations.length, 1);
});

test('delete refuses a training run, then removes rows and folder', async () => {
  const { dataDir, store, manager, start, nextEvent } = setup('cancel');
  const { runId } = await start();
  await nextEvent('run.log', (l) => l.runId === runId && /waiting for cancel/.test(l.message));
  await assert.rejects(manager.delete(runId), /is training; cancel it/);
  await manager.cancel(runId);
  assert.deepEqual(await manager.delete(runId), { id: runId });
  assert.throws(() => getRun(store.db, runId), /no run/);
  assert.equal(fs.existsSync(runDirectory(dataDir, runId)), false);
  assert.equal(store.db.prepare('SELECT count(*) FROM run_logs WHERE run_id = ?').pluck().get(runId), 0);
});

test('close() stops training runs and marks them INTERRUPTED, resumable', async () => {
  const { store, manager, start, nextEvent } = setup('cancel');
  const { runId } = await start();
  await nextEvent('run.log', (l) => l.runId === runId && /waiting for cancel/.test(l.message));
  manager.close();
  const run = getRun(store.db, runId);
  assert.equal(run.status, 'INTERRUPTED');
  assert.match(run.error ?? '', /closed while the run was training/);
  assert.equal(manager.active().length, 0);
});

test('bad requests are refused before anything is created, naming the value', async () => {
  const { store, start, manager, datasetId } = setup('finish');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ batch_size: 0 }, /batch_size\) must be a whole number 1 to 1024, got 0/],
    [{ learning_rate: -0.1 }, /learning_rate\) must be a number above 0, up to 1, got -0.1/],
    [{ d_model: 250, num_heads: 4 }, /d_model|num_heads/],
  ];
  for (const [hp, message] of cases) await assert.rejects(start(hp), message);
  await assert.rejects(manager.start({ datasetId, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'tpu' }), /Execution provider "tpu" is unknown; choose one of cpu/);
  await assert.rejects(manager.start({ datasetId: 999, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' }), /no dataset 999/);
  await assert.rejects(manager.start({ datasetId, model: { kind: 'pretrained', path: '/nonexistent/model' }, hyperparameters: {}, provider: 'cpu' }), /\/nonexistent\/model is not a folder/);
  store.db.prepare(`UPDATE datasets SET split_counts = '{"train":10,"validation":2,"test":0}' WHERE id = ?`).run(datasetId);
  await assert.rejects(start(), /empty test split/);
  assert.equal(store.db.prepare('SELECT count(*) FROM runs').pluck().get(), 0);
});
