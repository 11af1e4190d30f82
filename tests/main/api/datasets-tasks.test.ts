import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskInfo } from '../../../preload/contract.ts';
import { TaskRegistry } from '../../../main/api/tasks.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('a task reports its progress at a bounded rate, then its result; finished tasks stay listed', async () => {
  const events: TaskInfo[] = [];
  const registry = new TaskRegistry((info) => events.push(info), { intervalMs: 60_000 });
  const work = deferred<number>();
  const started = registry.start('dataset.add', 'Adding x', async (control) => {
    control.progress({ phase: 'walk' });
    for (let i = 1; i <= 10_000; i++) control.progress({ filesSeen: i, bytesSeen: i * 10, current: `f${i}` });
    control.progress({ phase: 'save' });
    return work.promise;
  });
  assert.equal(started.status, 'running');
  assert.equal(registry.list()[0].taskId, started.taskId);
  work.resolve(7);
  await work.promise;
  await new Promise((r) => setImmediate(r));
  // One event per phase change and status change, none of the 10,000 counter updates in between.
  assert.deepEqual(events.map((e) => [e.phase, e.status]), [['start', 'running'], ['walk', 'running'], ['save', 'running'], ['done', 'done']]);
  assert.equal(events.at(-1)!.filesSeen, 10_000);
  assert.equal(events.at(-1)!.resultId, 7);
  assert.ok(events.at(-1)!.endedAt !== null);
  assert.equal(registry.list()[0].status, 'done');
});

test('cancel aborts the signal and the task ends cancelled; a failure keeps its message; old tasks are dropped', async () => {
  const events: TaskInfo[] = [];
  const registry = new TaskRegistry((info) => events.push(info), { keepFinished: 1 });
  const ended = deferred<void>();
  const task = registry.start('dataset.build', 'Building', (control) => new Promise<number>((_, reject) => {
    control.signal.addEventListener('abort', () => {
      reject(new Error('stopped'));
      ended.resolve();
    });
  }));
  await new Promise((r) => setImmediate(r));
  assert.equal(registry.cancel(task.taskId).taskId, task.taskId);
  await ended.promise;
  await new Promise((r) => setImmediate(r));
  assert.equal(registry.list()[0].status, 'cancelled');
  assert.equal(registry.list()[0].error, null);

  const failing = registry.start('dataset.add', 'Failing', async () => {
    throw new Error('The folder /x has no class sub-folders.');
  });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  const list = registry.list();
  assert.deepEqual(list.map((t) => t.taskId), [failing.taskId], 'only the newest finished task is kept');
  assert.equal(list[0].status, 'failed');
  assert.match(list[0].error ?? '', /no class sub-folders/);
  assert.throws(() => registry.cancel(task.taskId), /There is no task/);
});
