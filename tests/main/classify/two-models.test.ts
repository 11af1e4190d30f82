// A two-model classification job in the library: each batch of texts goes to the paired
// prediction once (never to the one-model path), each file's two predictions are stored with
// whether they agree over the labels both models have, and the store's comparison counts them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RankedLabel } from '../../../preload/contract.ts';
import { EventHub } from '../../../main/api/events.ts';
import { ClassifyJobs } from '../../../main/classify/jobs.ts';
import { JobRegistry } from '../../../main/jobs/registry.ts';
import { agreement, getComparison, labelOverlap, listDisagreements } from '../../../main/store/job-comparison.ts';
import { addResults, createJob, finishJob, getJob, listResults } from '../../../main/store/jobs.ts';
import { openStore } from '../../../main/store/store.ts';
import { makeTree } from '../data/helpers.ts';

function modelDir(labels: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-model-'));
  fs.writeFileSync(path.join(dir, 'langlab-model.json'), JSON.stringify({ labels }));
  return dir;
}

const store = () => openStore({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-store-')), 'langlab.db') });

test('label overlap and agreement: only labels both models have are compared', () => {
  assert.deepEqual(labelOverlap(['python', 'java', 'c'], ['ruby', 'python', 'java']), { shared: ['java', 'python'], onlyA: ['c'], onlyB: ['ruby'] });
  const shared = new Set(['java', 'python']);
  assert.equal(agreement('python', 'python', shared), true);
  assert.equal(agreement('python', 'java', shared), false);
  assert.equal(agreement('c', 'python', shared), null);
  assert.equal(agreement('python', 'ruby', shared), null);
});

test('a two-model job sends each batch once to the paired prediction and stores both answers', async () => {
  const s = store();
  const files: Record<string, string> = {};
  for (let i = 0; i < 150; i++) files[`f${String(i).padStart(3, '0')}.${i % 3 === 0 ? 'py' : 'js'}`] = `// file ${i}\nconst x = ${i};\n`;
  const root = makeTree(files);
  const seen = new Map<string, number>();
  let single = 0;
  // A says python for every third file, else javascript; B says java for every fifth (a label A lacks), else python.
  const predictPair = async (dirs: readonly [string, string], texts: string[]) => {
    for (const t of texts) seen.set(t, (seen.get(t) ?? 0) + 1);
    const n = (t: string) => Number(/file (\d+)/.exec(t)![1]);
    const rank = (label: string, other: string): RankedLabel[] => [{ label, probability: 0.8 }, { label: other, probability: 0.2 }];
    return {
      a: texts.map((t) => (n(t) % 3 === 0 ? rank('python', 'javascript') : rank('javascript', 'python'))),
      b: texts.map((t) => (n(t) % 5 === 0 ? rank('java', 'python') : rank('python', 'java'))),
    };
  };
  const jobs = new ClassifyJobs({
    db: s.db, events: new EventHub(), jobs: new JobRegistry(() => undefined),
    predict: async (_dir, texts) => {
      single++;
      return texts.map(() => []);
    },
    predictPair,
  });
  const a = modelDir(['javascript', 'python']);
  const b = modelDir(['java', 'javascript', 'python']);
  const id = jobs.start({ runId: null, modelDir: a, root, second: { runId: null, modelDir: b } });
  await jobs.settled(id);
  assert.equal(getJob(s.db, id)!.status, 'FINISHED', getJob(s.db, id)!.error ?? '');
  assert.equal(single, 0, 'the one-model path is never asked');
  assert.equal(seen.size, 150);
  assert.ok([...seen.values()].every((k) => k === 1), 'each file is predicted once, for both models');
  assert.deepEqual(getJob(s.db, id)!.second, { runId: null, runName: null, modelPath: b });

  const cmp = getComparison(s.db, id)!;
  const idx = Array.from({ length: 150 }, (_, i) => i);
  const outside = idx.filter((i) => i % 5 === 0); // B says java, which A lacks: not compared
  const disagree = idx.filter((i) => i % 5 !== 0 && i % 3 !== 0); // A javascript, B python
  assert.deepEqual([cmp.shared, cmp.onlyA, cmp.onlyB], [['javascript', 'python'], [], ['java']]);
  assert.deepEqual([cmp.outsideShared, cmp.compared, cmp.disagreements], [outside.length, 150 - outside.length, disagree.length]);
  assert.deepEqual(listDisagreements(s.db, { id, limit: 1000 }).files.map((f) => f.path), disagree.map((i) => `f${String(i).padStart(3, '0')}.js`));
  assert.deepEqual(cmp.b.breakdown.map((r) => [r.label, r.files]), [['python', 150 - outside.length], ['java', outside.length]]);
  const f0 = listResults(s.db, { id, limit: 1 }).files[0];
  assert.deepEqual(f0.second, { label: 'java', confidence: 0.8, top: [{ label: 'java', probability: 0.8 }, { label: 'python', probability: 0.2 }], agree: null });
  s.close();
});

test('disagreements are filtered by either label, sorted by the surer of the two least sure first, and paged; a one-model job has no comparison', () => {
  const s = store();
  const top = (label: string, p: number) => [{ label, probability: p }];
  const row = (p: string, a: string, pa: number, b: string, pb: number) => ({
    path: p, label: a, confidence: pa, extensionLabel: null, extensionLanguage: null, size: 10, top: top(a, pa),
    second: { label: b, confidence: pb, top: top(b, pb), agree: a === b },
  });
  const id = createJob(s.db, { runId: null, modelPath: '/m/a', root: '/r', second: { runId: null, modelPath: '/m/b', labels: { a: ['go', 'js', 'py'], b: ['go', 'js', 'py'] } } });
  addResults(s.db, id, [row('a.py', 'py', 0.9, 'js', 0.6), row('b.js', 'js', 0.99, 'go', 0.95), row('c.go', 'go', 0.5, 'go', 0.9), row('d.py', 'py', 0.7, 'go', 0.8)], { total: 4, done: 4, skipped: 0 });
  finishJob(s.db, id, 'FINISHED');
  const paths = (q: Parameters<typeof listDisagreements>[1]) => listDisagreements(s.db, q).files.map((f) => f.path);
  assert.deepEqual(paths({ id }), ['a.py', 'b.js', 'd.py']);
  assert.deepEqual(paths({ id, sort: 'confidence' }), ['b.js', 'd.py', 'a.py']);
  assert.deepEqual(paths({ id, label: 'go' }), ['b.js', 'd.py']);
  assert.deepEqual(paths({ id, sort: 'confidence', offset: 1, limit: 1 }), ['d.py']);
  assert.equal(listDisagreements(s.db, { id, limit: 1 }).total, 3);
  const cmp = getComparison(s.db, id)!;
  assert.deepEqual([cmp.compared, cmp.disagreements, cmp.outsideShared], [4, 3, 0]);
  assert.deepEqual(cmp.a.breakdown.map((r) => [r.label, r.files]), [['py', 2], ['go', 1], ['js', 1]]);

  const one = createJob(s.db, { runId: null, modelPath: '/m/a', root: '/r' });
  assert.equal(getComparison(s.db, one), null);
  assert.equal(getJob(s.db, one)!.second, null);
  s.close();
});
