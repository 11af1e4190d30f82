import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import type { JobInfo } from '../../../preload/contract.ts';
import { JobRegistry, SCAN_JOB_START } from '../../../main/jobs/registry.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

test('a job reports its progress at a bounded rate, then its result; finished jobs stay listed', async () => {
  const events: JobInfo[] = [];
  const registry = new JobRegistry((info) => events.push(info), { intervalMs: 60_000 });
  const work = deferred<number>();
  const started = registry.start('dataset.add', 'Adding x', SCAN_JOB_START, async (control) => {
    control.progress({ phase: 'walk' });
    for (let i = 1; i <= 10_000; i++) control.progress({ filesSeen: i, bytesSeen: i * 10, current: `f${i}` });
    control.progress({ phase: 'save' });
    return work.promise;
  });
  assert.equal(started.status, 'running');
  assert.equal(registry.list()[0].jobId, started.jobId);
  work.resolve(7);
  await work.promise;
  await nextTurn();
  // One event per phase change and status change, none of the 10,000 counter updates in between.
  const scans = events.filter((e) => e.kind === 'dataset.add');
  assert.deepEqual(scans.map((e) => [e.phase, e.status]), [['start', 'running'], ['walk', 'running'], ['save', 'running'], ['done', 'done']]);
  assert.equal(scans.at(-1)!.filesSeen, 10_000);
  assert.equal(events.at(-1)!.resultId, 7);
  assert.ok(events.at(-1)!.endedAt !== null);
  assert.equal(registry.list()[0].status, 'done');
});

test('the last update of an interval goes out when the interval ends (trailing edge)', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const events: JobInfo[] = [];
    const registry = new JobRegistry((info) => events.push(info), { intervalMs: 200 });
    const work = deferred<number>();
    registry.start('run.evaluate', 'Evaluating', SCAN_JOB_START, async (control) => {
      control.progress({ phase: 'predict' });
      control.progress({ filesSeen: 1 });
      control.progress({ filesSeen: 2 });
      return work.promise;
    });
    await nextTurn();
    const seen = () => events.map((e) => (e.kind === 'run.evaluate' ? `${e.phase}:${e.filesSeen}` : e.kind));
    assert.deepEqual(seen(), ['start:0', 'predict:0'], 'counters inside the interval wait');
    mock.timers.tick(200);
    assert.deepEqual(seen(), ['start:0', 'predict:0', 'predict:2'], 'the interval ends with its latest update');
    mock.timers.tick(10_000);
    assert.equal(events.length, 3, 'and nothing more until the job says more');
    work.resolve(1);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(events.map((e) => e.status), ['running', 'running', 'running', 'done']);
  } finally {
    mock.timers.reset();
  }
});

test('cancel aborts the signal and the job ends cancelled; a failure keeps its message; old jobs are dropped', async () => {
  const events: JobInfo[] = [];
  const registry = new JobRegistry((info) => events.push(info), { keepFinished: 1 });
  const ended = deferred<void>();
  const job = registry.start('dataset.build', 'Building', SCAN_JOB_START, (control) => new Promise<number>((_, reject) => {
    control.signal.addEventListener('abort', () => {
      reject(new Error('stopped'));
      ended.resolve();
    });
  }));
  await nextTurn();
  assert.equal(registry.cancel(job.jobId).jobId, job.jobId);
  await ended.promise;
  await registry.settled(job.jobId);
  assert.equal(registry.list()[0].status, 'cancelled');
  assert.equal(registry.list()[0].error, null);

  const failing = registry.start('dataset.add', 'Failing', SCAN_JOB_START, async () => {
    throw new Error('The folder /x has no class sub-folders.');
  });
  await registry.settled(failing.jobId);
  const list = registry.list();
  assert.deepEqual(list.map((t) => t.jobId), [failing.jobId], 'only the newest finished job is kept');
  assert.equal(list[0].status, 'failed');
  assert.match(list[0].error ?? '', /no class sub-folders/);
  assert.throws(() => registry.cancel(job.jobId), /There is no job/);
});

test('a store-backed job records its end in the store before its last event', async () => {
  const order: string[] = [];
  const registry = new JobRegistry((info) => order.push(`event ${info.status}`));
  const initial = { filesTotal: 0, filesFound: 0, filesDone: 0, filesSkipped: 0, breakdown: [], withExtensionLabel: 0, withOtherLanguage: 0, disagreements: 0, unknown: { files: 0, bytes: 0 }, filesPerSecond: null, etaSeconds: null };
  const job = registry.start('classify', 'Classifying /x', initial, async (control) => {
    control.progress({ filesTotal: 3, filesDone: 3 });
    return 12;
  }, { store: { id: 12, ended: (status, error) => order.push(`store ${status} ${error}`) } });
  assert.equal(job.storeId, 12);
  await registry.settled(job.jobId);
  assert.deepEqual(order.slice(-2), ['store done null', 'event done']);
  const [end] = registry.list();
  assert.ok(end.kind === 'classify');
  assert.deepEqual([end.filesDone, end.resultId, end.storeId], [3, 12, 12]);
});

test('a job run by its owner (a training run) reports through its handle; cancel asks the owner, closing the app leaves it to the owner', async () => {
  const events: JobInfo[] = [];
  const registry = new JobRegistry((info) => events.push(info), { intervalMs: 60_000 });
  const asked: string[] = [];
  const initial = { runId: 3, phase: 'preparing', epoch: 0, epochs: 2, step: 0, totalSteps: 10, trainLoss: null, trainAccuracy: null, valLoss: null, valAccuracy: null, learningRate: null, samplesPerSecond: null, etaSeconds: null, elapsedSeconds: 0 } as const;
  const run = registry.track('run', 'Training run 3', initial, { store: { id: 3 }, cancel: () => asked.push('cancel') });
  run.progress({ phase: 'training', step: 1 });
  run.progress({ step: 2 });
  assert.deepEqual(events.map((e) => (e.kind === 'run' ? `${e.phase}:${e.step}` : '')), ['preparing:0'], "a run's phase changes keep to the rate");
  registry.cancelAll();
  assert.deepEqual(asked, [], 'closing the app stops runs through their owner, not here');
  registry.cancel(run.jobId);
  assert.deepEqual(asked, ['cancel']);
  run.progress({ phase: 'finished' });
  run.end('cancelled');
  run.progress({ step: 99 });
  assert.deepEqual(events.map((e) => (e.kind === 'run' ? `${e.phase}:${e.step}:${e.status}` : '')), ['preparing:0:running', 'finished:2:cancelled']);
  assert.equal(events.at(-1)!.storeId, 3);
  registry.cancel(run.jobId);
  assert.deepEqual(asked, ['cancel'], 'an ended job is not asked again');
});
