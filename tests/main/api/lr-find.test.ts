import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, test } from 'node:test';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { seedTestDataset } from '../../helpers/seed-pair.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));
function backend(): Backend {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir() });
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
