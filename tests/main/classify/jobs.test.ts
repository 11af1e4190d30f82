import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobInfo, JobOf, RankedLabel } from '../../../preload/contract.ts';
import { EventHub } from '../../../main/api/events.ts';
import { ClassifyJobs } from '../../../main/classify/jobs.ts';
import { JobRegistry } from '../../../main/jobs/registry.ts';
import { getJob, getJobDetail, listResults } from '../../../main/store/jobs.ts';
import { openStore } from '../../../main/store/store.ts';
import { makeTree } from '../data/helpers.ts';

function modelDir(labels: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-model-'));
  fs.writeFileSync(path.join(dir, 'langlab-model.json'), JSON.stringify({ labels }));
  return dir;
}

test('a cancelled job ends KILLED with the files classified so far; a failing model ends it FAILED with the reason', async () => {
  const store = openStore({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-store-')), 'langlab.db') });
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i++) files[`f${String(i).padStart(3, '0')}.py`] = `def f${i}():\n    return ${i}\n`;
  const root = makeTree(files);
  let release: () => void = () => undefined;
  let batches = 0;
  const predict = async (_dir: string, texts: string[]): Promise<RankedLabel[][]> => {
    if (++batches === 2) await new Promise<void>((r) => (release = r));
    return texts.map(() => [{ label: 'python', probability: 1 }]);
  };
  const jobs = new ClassifyJobs({ db: store.db, events: new EventHub(), jobs: new JobRegistry(() => undefined), predict });
  const id = jobs.start({ runId: null, modelDir: modelDir(['python', 'java']), root });
  while (batches < 2) await new Promise((r) => setTimeout(r, 5));
  assert.equal(getJob(store.db, id)!.status, 'RUNNING');
  assert.equal(jobs.cancel(id), true);
  release();
  await jobs.settled(id);
  const killed = getJobDetail(store.db, id)!;
  assert.equal(killed.status, 'KILLED');
  assert.equal(killed.filesTotal, 200);
  assert.ok(killed.filesDone > 0 && killed.filesDone < 200, `${killed.filesDone} of 200 done`);
  assert.equal(listResults(store.db, { id }).total, killed.breakdown[0].files);
  assert.equal(jobs.cancel(id), false, 'no longer running');

  const failing = new ClassifyJobs({ db: store.db, events: new EventHub(), jobs: new JobRegistry(() => undefined), predict: async () => Promise.reject(new Error('the model file is damaged')) });
  const bad = failing.start({ runId: null, modelDir: modelDir(['python']), root });
  await failing.settled(bad);
  assert.deepEqual([getJob(store.db, bad)!.status, getJob(store.db, bad)!.error], ['FAILED', 'the model file is damaged']);
  assert.throws(() => failing.start({ runId: null, modelDir: fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-nomodel-')), root }), /manifest .* is missing/);
  store.close();
});

test("a job's progress goes out as typed job.progress events with files done, files/s and time left; the store is announced changed only when it starts and ends", async () => {
  const store = openStore({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-store-')), 'langlab.db') });
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`f${String(i).padStart(3, '0')}.py`] = `def f${i}():\n    return ${i}\n`;
  const root = makeTree(files);
  const hub = new EventHub();
  const seen: { name: string; payload: unknown }[] = [];
  hub.subscribe((name, payload) => void seen.push({ name, payload }));
  // Every update goes out (no rate limit), so each batch's counters can be checked.
  const registry = new JobRegistry((info) => hub.emit('job.progress', info), { intervalMs: 0 });
  const predict = async (_dir: string, texts: string[]): Promise<RankedLabel[][]> => {
    await new Promise((r) => setImmediate(r));
    return texts.map(() => [{ label: 'python', probability: 1 }]);
  };
  const jobs = new ClassifyJobs({ db: store.db, events: hub, jobs: registry, predict, folderOptions: { batchSize: 20 } });
  const id = jobs.start({ runId: null, modelDir: modelDir(['python', 'java']), root });
  await jobs.settled(id);

  const changes = seen.filter((e) => e.name === 'store.changed');
  assert.equal(changes.length, 2, 'one when it starts, one when it ends');
  const progress = seen.filter((e) => e.name === 'job.progress').map((e) => e.payload as JobInfo).filter((p): p is JobOf<'classify'> => p.kind === 'classify');
  assert.ok(progress.every((p) => p.storeId === id));
  // While the folder is walked, before the total is known, the count of files found so far goes out.
  const walking = progress.filter((p) => p.status === 'running' && p.filesTotal === 0 && p.filesFound > 0);
  assert.equal(walking.at(-1)?.filesFound, 300, 'the walk announced the files it found');
  const running = progress.filter((p) => p.status === 'running' && p.filesDone > 0);
  assert.ok(running.length >= 10, `${running.length} updates`);
  assert.ok(running.every((p, k) => k === 0 || p.filesDone >= running[k - 1].filesDone), 'files done only grows');
  const later = running.slice(1);
  assert.ok(later.every((p) => p.filesPerSecond !== null && p.filesPerSecond > 0), 'a rate once two batches are done');
  assert.ok(later.every((p) => p.etaSeconds !== null && Math.abs(p.etaSeconds - (p.filesTotal - p.filesDone) / p.filesPerSecond!) < 1e-9));
  const last = progress.at(-1)!;
  assert.deepEqual([last.status, last.filesDone, last.filesTotal, last.breakdown[0]], ['done', 300, 300, { label: 'python', files: 300, bytes: last.breakdown[0].bytes, disagree: 0 }]);
  store.close();
});
