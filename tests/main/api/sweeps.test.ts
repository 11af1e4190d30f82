// Sweeps through the service, with the fake engine in place of the trainer: a grid runs every
// combination as tagged runs and names the best; a bad value is refused before anything exists;
// a cancel kills the trial in flight and drops the rest; a sweep cut short by a quit or a crash
// resumes with the trials it had not run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import type { JobInfo, RunLogLine, SweepDetail, SweepPlan, SweepSummary } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

const FAKE = new URL('../trainer/host/fake-engine.ts', import.meta.url).href;
const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

function backend(mode = 'finish', dataDir = tempDir()): Backend {
  const b = startBackend({ runtime: 'browser', dataDir, engineEntry: `${FAKE}?mode=${mode}` });
  backends.push(b);
  return b;
}

const definition = (datasetId: number, axes: unknown[], extra: Record<string, unknown> = {}) => ({
  datasetId,
  model: { kind: 'scratch' },
  base: { epochs: 1 },
  axes,
  metric: 'val_loss',
  ...extra,
});

/** Resolves when the fake engine of some run says it waits for a cancel. */
function waitingForCancel(b: Backend): Promise<number> {
  return new Promise((resolve) =>
    b.events.subscribe((name, p) => {
      if (name === 'run.log' && /waiting for cancel/.test((p as RunLogLine).message)) resolve((p as RunLogLine).runId);
    }),
  );
}

const count = (b: Backend, table: string) => b.store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

test('a 2 x 2 grid runs four tagged trials one at a time and names the best', async () => {
  const b = backend();
  const datasetId = seedDataset(b.store.db);
  const jobs: JobInfo[] = [];
  b.events.subscribe((name, p) => name === 'job.progress' && jobs.push(p as JobInfo));
  const axes = [{ key: 'learning_rate', kind: 'grid', values: [1e-3, 2e-3] }, { key: 'batch_size', kind: 'grid', values: [8, 16] }];
  const plan = await ok<SweepPlan>(b, 'sweeps.plan', definition(datasetId, axes));
  assert.equal(plan.trials.length, 4);
  const { sweepId } = await ok<{ sweepId: number }>(b, 'sweeps.start', definition(datasetId, axes, { name: 'lr x bs' }));
  const ended = await b.sweeps.waitFor(sweepId);
  assert.equal(ended.status, 'FINISHED');
  const sweep = await ok<SweepDetail>(b, 'sweeps.get', { id: sweepId });
  assert.deepEqual(sweep.trials.map((t) => t.params), [
    { learning_rate: 1e-3, batch_size: 8 }, { learning_rate: 1e-3, batch_size: 16 }, { learning_rate: 2e-3, batch_size: 8 }, { learning_rate: 2e-3, batch_size: 16 },
  ]);
  assert.deepEqual(sweep.trials.map((t) => t.status), ['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED']);
  assert.deepEqual(sweep.trials.map((t) => t.metric), [0.25, 0.25, 0.25, 0.25], 'the fake engine reports a best validation loss of 0.25');
  assert.equal(sweep.trialsDone, 4);
  assert.deepEqual(sweep.best, { index: 1, runId: sweep.trials[0].runId, metric: 0.25 });
  // Each trial is a normal run with the trial's values and the sweep's tag.
  const run = await ok<{ tags: string[]; params: Record<string, unknown>; name: string }>(b, 'runs.get', { id: sweep.trials[3].runId });
  assert.deepEqual(run.tags, [`sweep-${sweepId}`]);
  assert.equal(run.params.learning_rate, 2e-3);
  assert.equal(run.params.batch_size, 16);
  assert.equal(run.params.epochs, 1);
  assert.equal(run.name, 'lr x bs · trial 4');
  // Progress went out as one `sweep` job, ending done.
  const sweepJobs = jobs.filter((j) => j.kind === 'sweep');
  assert.equal(new Set(sweepJobs.map((j) => j.jobId)).size, 1);
  assert.deepEqual([sweepJobs.at(-1)!.status, sweepJobs.at(-1)!.kind === 'sweep' && sweepJobs.at(-1)!.trialsDone], ['done', 4]);
  const list = await ok<SweepSummary[]>(b, 'sweeps.list', {});
  assert.deepEqual(list.map((s) => [s.id, s.name, s.trialsTotal]), [[sweepId, 'lr x bs', 4]]);
});

test('a value outside its range, an empty grid or a missing trial count is refused before anything is stored', async () => {
  const b = backend();
  const datasetId = seedDataset(b.store.db);
  const cases: [unknown[], Record<string, unknown>, RegExp][] = [
    [[{ key: 'dropout', kind: 'grid', values: [0.1, 0.95] }], {}, /Grid value 0.95 of dropout: Dropout \(dropout\) must be a number 0 to 0.9, got 0.95/],
    [[{ key: 'dropout', kind: 'grid', values: [] }], {}, /grid of Dropout \(dropout\) is empty/],
    [[{ key: 'learning_rate', kind: 'range', low: 1e-4, high: 1e-2, scale: 'log' }], {}, /needs a number of trials/],
    [[{ key: 'learning_rate', kind: 'range', low: 1e-4, high: 2, scale: 'log' }], { trials: 2 }, /Range high end 2 of learning_rate/],
  ];
  for (const [axes, extra, message] of cases) {
    for (const name of ['sweeps.plan', 'sweeps.start']) {
      const err = await failure(b, name, definition(datasetId, axes, extra));
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, message);
    }
  }
  assert.match((await failure(b, 'sweeps.start', definition(datasetId, [{ key: 'no_such', kind: 'grid', values: [1] }]))).message, /axes\.0\.key/);
  // The trial checks of a run apply too: a dataset that is not there is named.
  assert.match((await failure(b, 'sweeps.start', definition(999, [{ key: 'dropout', kind: 'grid', values: [0.1] }]))).message, /no dataset 999/);
  assert.deepEqual([count(b, 'sweeps'), count(b, 'sweep_trials'), count(b, 'runs')], [0, 0, 0]);
});

test('cancelling a sweep cancels the trial in flight and drops the rest', async () => {
  const b = backend('cancel');
  const datasetId = seedDataset(b.store.db);
  const waiting = waitingForCancel(b);
  const { sweepId } = await ok<{ sweepId: number }>(b, 'sweeps.start', definition(datasetId, [{ key: 'dropout', kind: 'grid', values: [0, 0.1, 0.2] }]));
  const runId = await waiting;
  assert.equal((await failure(b, 'sweeps.start', definition(datasetId, [{ key: 'dropout', kind: 'grid', values: [0.3] }]))).code, 'BUSY', 'one sweep at a time');
  const killed = await ok<SweepSummary>(b, 'sweeps.cancel', { id: sweepId });
  assert.equal(killed.status, 'KILLED');
  const sweep = await ok<SweepDetail>(b, 'sweeps.get', { id: sweepId });
  assert.deepEqual(sweep.trials.map((t) => [t.status, t.runId]), [['KILLED', runId], ['DROPPED', null], ['DROPPED', null]]);
  assert.equal(count(b, 'runs'), 1, 'no further trial started');
  assert.equal(b.runs.isActive(runId), false);
  assert.equal((await failure(b, 'sweeps.cancel', { id: sweepId })).code, 'INVALID_ARGUMENT');
});

test('a sweep cut short by a crash resumes: the interrupted trial continues from its checkpoint, then the trials not yet run', async () => {
  const dataDir = tempDir();
  const a = backend('cancel', dataDir);
  const datasetId = seedDataset(a.store.db);
  const waiting = waitingForCancel(a);
  const { sweepId } = await ok<{ sweepId: number }>(a, 'sweeps.start', definition(datasetId, [{ key: 'dropout', kind: 'grid', values: [0, 0.1, 0.2] }]));
  const firstRun = await waiting;
  a.close();
  // What a crash leaves: the sweep and its trial's run still RUNNING, owned by a process that is gone.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(gone.stdout);
  const raw = startBackend({ runtime: 'cli', dataDir, exclusive: false });
  raw.store.db.prepare(`UPDATE sweeps SET status = 'RUNNING', ended_at = NULL, owner_pid = ? WHERE id = ?`).run(deadPid, sweepId);
  raw.store.db.prepare(`UPDATE runs SET status = 'RUNNING', end_time = NULL, owner_pid = ? WHERE id = ?`).run(deadPid, firstRun);
  raw.close();

  const b = backend('finish', dataDir);
  const recovered = await ok<SweepDetail>(b, 'sweeps.get', { id: sweepId });
  assert.equal(recovered.status, 'INTERRUPTED', 'the next start marks the sweep as runs are marked');
  assert.deepEqual(recovered.trials.map((t) => t.status), ['INTERRUPTED', 'PENDING', 'PENDING']);
  const logs: string[] = [];
  b.events.subscribe((name, p) => name === 'run.log' && logs.push((p as RunLogLine).message));
  assert.deepEqual(await ok(b, 'sweeps.resume', { id: sweepId }), { sweepId });
  const ended = await b.sweeps.waitFor(sweepId);
  assert.equal(ended.status, 'FINISHED');
  const sweep = await ok<SweepDetail>(b, 'sweeps.get', { id: sweepId });
  assert.deepEqual(sweep.trials.map((t) => t.status), ['FINISHED', 'FINISHED', 'FINISHED']);
  assert.equal(sweep.trials[0].runId, firstRun, 'the interrupted trial kept its run');
  assert.ok(logs.some((l) => /fake resumed at step 5/.test(l)), 'and continued it from its checkpoint');
  assert.equal(count(b, 'runs'), 3);
  assert.equal((await failure(b, 'sweeps.resume', { id: sweepId })).code, 'INVALID_ARGUMENT', 'a finished sweep has nothing to resume');
});

test('a cancelled sweep resumes with the dropped trials; a quit leaves it INTERRUPTED', async () => {
  const dataDir = tempDir();
  const a = backend('cancel', dataDir);
  const datasetId = seedDataset(a.store.db);
  let waiting = waitingForCancel(a);
  const { sweepId } = await ok<{ sweepId: number }>(a, 'sweeps.start', definition(datasetId, [{ key: 'dropout', kind: 'grid', values: [0, 0.1] }]));
  await waiting;
  await ok(a, 'sweeps.cancel', { id: sweepId });
  waiting = waitingForCancel(a);
  await ok(a, 'sweeps.resume', { id: sweepId });
  await waiting; // the killed trial's run resumed (the fake finishes a resumed run), the dropped one started and waits
  a.close();
  const b = backend('finish', dataDir);
  const sweep = await ok<SweepDetail>(b, 'sweeps.get', { id: sweepId });
  assert.equal(sweep.status, 'INTERRUPTED');
  assert.deepEqual(sweep.trials.map((t) => t.status), ['FINISHED', 'INTERRUPTED']);
  await ok(b, 'sweeps.resume', { id: sweepId });
  assert.equal((await b.sweeps.waitFor(sweepId)).status, 'FINISHED');
  assert.equal(count(b, 'runs'), 2);
});
