import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RankedLabel } from '../../../preload/contract.ts';
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
