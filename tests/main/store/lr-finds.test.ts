import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { defaultHyperparameters } from '../../../preload/hyperparameters.ts';
import { deleteDataset } from '../../../main/store/datasets.ts';
import { addLrFindPoint, createLrFind, deleteLrFind, endLrFind, getLrFind, listLrFinds, type NewLrFind } from '../../../main/store/lr-finds.ts';
import { listRuns } from '../../../main/store/runs.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

function finder(datasetId: number, datasetName = 'ref'): NewLrFind {
  return { datasetId, datasetName, model: { kind: 'scratch' }, hyperparameters: defaultHyperparameters('scratch'), minLr: 1e-7, maxLr: 1, steps: 100 };
}

const curve = [
  { lr: 1e-7, loss: 2.1, smoothed: 2.1 },
  { lr: 1e-6, loss: 1.9, smoothed: 2.0 },
  { lr: 1e-5, loss: 1.2, smoothed: 1.6 },
];

test('a finder run is stored with its ramp, curve and suggestions, read back whole after the store is reopened, and is not a training run', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const store = openStore({ file });
  const ds = seedDataset(store.db, 'ref');
  const id = createLrFind(store.db, { ...finder(ds), minLr: 1e-6, maxLr: 10, steps: 40 }, 1000);
  assert.equal(getLrFind(store.db, id).status, 'RUNNING');
  addLrFindPoint(store.db, id, 1, curve[0]);
  assert.equal(getLrFind(store.db, id).stepsRun, 1, 'a point is kept as soon as it is measured');
  endLrFind(store.db, id, { status: 'FINISHED', points: curve, stoppedBy: 'diverged', steepest: 1e-6, minOver10: 1e-6, suggested: 1e-6 }, 2000);
  store.close();

  const again = openStore({ file, recoverCrashed: true });
  const r = getLrFind(again.db, id);
  assert.equal(r.status, 'FINISHED');
  assert.equal(r.datasetId, ds);
  assert.equal(r.datasetName, 'ref');
  assert.deepEqual(r.model, { kind: 'scratch' });
  assert.deepEqual([r.minLr, r.maxLr, r.steps, r.stepsRun], [1e-6, 10, 40, 3]);
  assert.deepEqual(r.points, curve, 'the whole curve replaces the points written step by step');
  assert.deepEqual([r.steepest, r.minOver10, r.suggested, r.stoppedBy], [1e-6, 1e-6, 1e-6, 'diverged']);
  assert.deepEqual([r.startedAt, r.endedAt, r.error], [1000, 2000, null]);
  assert.equal(r.hyperparameters.batch_size, defaultHyperparameters('scratch').batch_size);
  assert.equal(listRuns(again.db).total, 0, 'the runs list holds training runs only');
  again.close();
});

test('finder runs list newest first, by dataset, limited with the total; a deleted dataset keeps its name', () => {
  const { db } = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const a = seedDataset(db, 'first');
  const b = seedDataset(db, 'second');
  const ids = [createLrFind(db, finder(a, 'first'), 1), createLrFind(db, finder(b, 'second'), 2), createLrFind(db, finder(a, 'first'), 3)];
  assert.deepEqual(listLrFinds(db).items.map((f) => f.id), [ids[2], ids[1], ids[0]]);
  const ofA = listLrFinds(db, { datasetId: a, limit: 1 });
  assert.equal(ofA.total, 2);
  assert.deepEqual(ofA.items.map((f) => f.id), [ids[2]]);
  for (const id of ids) endLrFind(db, id, { status: 'FINISHED', points: curve, suggested: 1e-6 });
  assert.ok(deleteDataset(db, b));
  const kept = getLrFind(db, ids[1]);
  assert.equal(kept.datasetId, null);
  assert.equal(kept.datasetName, 'second');
});

test('a finder run that failed keeps its curve so far and says why; a running one cannot be deleted, an ended one goes with its curve', () => {
  const { db } = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const ds = seedDataset(db);
  const id = createLrFind(db, finder(ds));
  addLrFindPoint(db, id, 1, curve[0]);
  addLrFindPoint(db, id, 2, curve[1]);
  assert.throws(() => deleteLrFind(db, id), /still running: cancel it first/);
  endLrFind(db, id, { status: 'FAILED', error: 'The worker ran out of memory.' });
  const r = getLrFind(db, id);
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'The worker ran out of memory.');
  assert.deepEqual(r.points, curve.slice(0, 2));
  assert.equal(r.suggested, null);
  deleteLrFind(db, id);
  assert.throws(() => getLrFind(db, id), /no learning-rate finder run \d+/);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM lr_find_points').get() as { n: number }).n, 0);
});

test("reopening the store marks a crashed process's finder run INTERRUPTED and leaves a live process's running", () => {
  const file = path.join(tempDir(), 'langlab.db');
  const store = openStore({ file });
  const ds = seedDataset(store.db);
  const crashed = createLrFind(store.db, finder(ds));
  addLrFindPoint(store.db, crashed, 1, curve[0]);
  const live = createLrFind(store.db, finder(ds));
  store.db.prepare('UPDATE lr_finds SET owner_pid = ? WHERE id = ?').run(spawnSync(process.execPath, ['-e', '0']).pid, crashed);
  store.db.prepare('UPDATE lr_finds SET owner_pid = ? WHERE id = ?').run(process.ppid, live);
  store.close();

  const reopened = openStore({ file, recoverCrashed: true });
  const c = getLrFind(reopened.db, crashed);
  assert.equal(c.status, 'INTERRUPTED');
  assert.ok(c.endedAt);
  assert.match(c.error ?? '', /stopped unexpectedly/);
  assert.deepEqual(c.points, [curve[0]], 'what it measured before the crash is kept');
  assert.equal(getLrFind(reopened.db, live).status, 'RUNNING');
  reopened.close();
});
