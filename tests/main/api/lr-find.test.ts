import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, test } from 'node:test';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { seedTestDataset } from '../../helpers/seed-pair.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';
import { datasetFromFolder } from '../../../main/data/from-folder.ts';
import { saveDataset } from '../../../main/store/dataset-save.ts';
import type { LrFindResult, LrFindSummary } from '../../../preload/contract.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));
function backend(dataDir = tempDir()): Backend {
  const b = startBackend({ runtime: 'browser', dataDir });
  backends.push(b);
  return b;
}

test('lrFind.start refuses a one-class dataset, a range that does not grow and a bad hyperparameter before any job starts', async () => {
  const b = backend();
  const one = seedTestDataset(b.store.db, 'one', [{ path: 'a.py', label: 'python', text: 'print(1)\n' }]);
  const e1 = await failure(b, 'lrFind.start', { datasetId: one, model: { kind: 'scratch' }, hyperparameters: {} });
  assert.equal(e1.code, 'INVALID_ARGUMENT');
  assert.match(e1.message, /only one class \(python\)/);
  const two = seedDataset(b.store.db);
  const e2 = await failure(b, 'lrFind.start', { datasetId: two, model: { kind: 'scratch' }, hyperparameters: {}, minLr: 0.1, maxLr: 0.01 });
  assert.match(e2.message, /minLr must be below maxLr/);
  const e3 = await failure(b, 'lrFind.start', { datasetId: two, model: { kind: 'scratch' }, hyperparameters: { batch_size: 0 } });
  assert.match(e3.message, /batch/i);
  assert.equal((await ok<unknown[]>(b, 'jobs.list', {})).length, 0, 'no job was started');
  const e4 = await failure(b, 'lrFind.result', { id: 7 });
  assert.equal(e4.code, 'NOT_FOUND');
  assert.match(e4.message, /run the finder again/);
});

test('runs.params gives every parameter of many runs at once', async () => {
  const b = backend();
  const ds = seedDataset(b.store.db);
  const a = seedFinishedRun(b.store.db, ds, 'a', 1e-4, [], { dropout: 0.1, optimizer: 'adamw', layers: [1, 2] });
  const c = seedFinishedRun(b.store.db, ds, 'c', 1e-3, [], { dropout: 0 });
  const rows = await ok<{ runId: number; params: Record<string, unknown> }[]>(b, 'runs.params', { runIds: [a, c] });
  const byId = new Map(rows.map((r) => [r.runId, r.params]));
  assert.equal(byId.get(a)!.learning_rate, 1e-4);
  assert.equal(byId.get(a)!.optimizer, 'adamw');
  assert.equal(byId.get(a)!.layers, '[1,2]', 'a structured value arrives as its JSON text');
  assert.equal(byId.get(c)!.dropout, 0);
  assert.equal((await failure(b, 'runs.params', { runIds: [] })).code, 'INVALID_ARGUMENT');
});

test("the finder's worker opens the store with the backend's better-sqlite3 build (the desktop app passes Electron's)", async () => {
  // A copy of the Node build, loaded by the backend's own store, then removed: a worker that is given
  // the same binding fails naming it, which shows the binding reaches the worker (without one the
  // worker would load node_modules' build and succeed).
  const addon = path.join(tempDir(), 'langlab-sqlite.node');
  copyFileSync(createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node'), addon);
  const b = startBackend({ runtime: 'browser', dataDir: tempDir(), nativeBinding: addon });
  backends.push(b);
  rmSync(addon);
  const ds = seedDataset(b.store.db);
  const job = await ok<{ jobId: string }>(b, 'lrFind.start', { datasetId: ds, model: { kind: 'scratch' }, hyperparameters: {}, steps: 5 });
  let info: { jobId: string; status: string; error: string | null } | undefined;
  for (let i = 0; i < 600; i++) {
    info = (await ok<{ jobId: string; status: string; error: string | null }[]>(b, 'jobs.list', {})).find((j) => j.jobId === job.jobId);
    if (info && info.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(info?.status, 'failed');
  assert.ok(info?.error?.includes('langlab-sqlite.node'), info?.error ?? '');
});

async function twoClassDataset(b: Backend): Promise<number> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 16; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  return saveDataset(b.store.db, await datasetFromFolder(makeTree(files), {}));
}

async function waitForJob(b: Backend, jobId: string) {
  for (;;) {
    const info = (await ok<{ jobId: string; status: string; error: string | null; resultId: number | null }[]>(b, 'jobs.list', {})).find((j) => j.jobId === jobId)!;
    if (info.status !== 'running') return info;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const TINY = { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32, batch_size: 4 };

test('a finder run is stored: listed and read back with its curve after the backend restarts, with no run and no checkpoint left behind; a cancelled one is KILLED', { timeout: 240_000 }, async () => {
  const dataDir = tempDir();
  const b = backend(dataDir);
  const ds = await twoClassDataset(b);
  const job = await ok<{ jobId: string }>(b, 'lrFind.start', { datasetId: ds, model: { kind: 'scratch' }, hyperparameters: TINY, minLr: 1e-5, maxLr: 1, steps: 12 });
  const done = await waitForJob(b, job.jobId);
  assert.equal(done.status, 'done', done.error ?? '');
  const id = done.resultId!;
  const fresh = await ok<LrFindResult>(b, 'lrFind.result', { id });
  b.close();
  backends.splice(backends.indexOf(b), 1);

  const again = backend(dataDir);
  const list = await ok<{ total: number; items: LrFindSummary[] }>(again, 'lrFind.list', { datasetId: ds });
  assert.equal(list.total, 1);
  assert.equal(list.items[0].id, id);
  assert.equal(list.items[0].status, 'FINISHED');
  const r = await ok<LrFindResult>(again, 'lrFind.result', { id });
  assert.deepEqual(r, fresh, 'the stored finder run reads back the same after a restart');
  assert.deepEqual([r.minLr, r.maxLr, r.steps], [1e-5, 1, 12]);
  assert.equal(r.points.length, r.stepsRun);
  assert.ok(r.points.length >= 3);
  assert.equal(r.points[0].lr, 1e-5);
  assert.equal(r.hyperparameters.d_model, 16);
  assert.ok(r.suggested !== null && r.suggested === (r.steepest ?? r.minOver10));
  assert.equal((await ok<{ total: number }>(again, 'runs.list', {})).total, 0, 'no training run');
  const runsDir = path.join(dataDir, 'artifacts', 'runs');
  assert.deepEqual(existsSync(runsDir) ? readdirSync(runsDir) : [], [], 'no checkpoint or export');

  // A cancel right after the start: stored KILLED, not FAILED.
  const second = await ok<{ jobId: string }>(again, 'lrFind.start', { datasetId: ds, model: { kind: 'scratch' }, hyperparameters: TINY, steps: 2000 });
  await ok(again, 'jobs.cancel', { jobId: second.jobId });
  assert.equal((await waitForJob(again, second.jobId)).status, 'cancelled');
  const after = await ok<{ total: number; items: LrFindSummary[] }>(again, 'lrFind.list', {});
  assert.equal(after.total, 2);
  assert.equal(after.items[0].status, 'KILLED');
  assert.ok(after.items[0].endedAt);

  await ok(again, 'lrFind.delete', { id });
  assert.equal((await failure(again, 'lrFind.result', { id })).code, 'NOT_FOUND');
  assert.match((await failure(again, 'lrFind.list', { limit: 0 })).message, /limit/);
});

test('closing the backend while a finder runs ends it INTERRUPTED with the curve so far, and the worker writes nothing after', { timeout: 240_000 }, async () => {
  const dataDir = tempDir();
  const b = backend(dataDir);
  const ds = await twoClassDataset(b);
  const job = await ok<{ jobId: string }>(b, 'lrFind.start', { datasetId: ds, model: { kind: 'scratch' }, hyperparameters: TINY, steps: 2000, minLr: 1e-6, maxLr: 1e-3 });
  // Until two steps are measured.
  for (;;) {
    const info = (await ok<{ jobId: string; status: string; step: number; error: string | null }[]>(b, 'jobs.list', {})).find((j) => j.jobId === job.jobId)!;
    assert.equal(info.status, 'running', info.error ?? '');
    if (info.step >= 2) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  b.close();
  backends.splice(backends.indexOf(b), 1);
  // Give the stopped worker's last messages time to arrive at the closed store.
  await new Promise((r) => setTimeout(r, 500));

  const again = backend(dataDir);
  const [f] = (await ok<{ items: LrFindSummary[] }>(again, 'lrFind.list', {})).items;
  assert.equal(f.status, 'INTERRUPTED');
  assert.match(f.error ?? '', /closed while the finder was running/);
  assert.ok(f.stepsRun >= 1, 'the steps measured before the close are kept');
});
