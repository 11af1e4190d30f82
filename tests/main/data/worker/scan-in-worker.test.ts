import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { scanInWorker } from '../../../../main/data/worker/scan-in-worker.ts';
import { LanglabError } from '../../../../main/errors.ts';
import { jsSource, makeTree, pySource } from '../helpers.ts';

test('a scan in a worker thread returns the same result as on this thread, with progress', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  const root = makeTree(files);
  const phases: string[] = [];
  const result = await scanInWorker({ kind: 'folder', path: root, seed: 3 }, { onProgress: (p) => phases.push(p.phase) });
  assert.deepEqual(result.classes.map((c) => c.files), [10, 10]);
  assert.equal(result.roots[0], root);
  assert.ok(phases.includes('walk') && phases.includes('done'), phases.join());
});

test('errors keep their code across the thread; an aborted signal never starts a worker', async () => {
  const missing = path.join(makeTree({}), 'nope');
  await assert.rejects(scanInWorker({ kind: 'csv', path: missing }), (e: LanglabError) => e instanceof LanglabError && e.code === 'NOT_FOUND' && e.message.includes(missing));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(scanInWorker({ kind: 'folder', path: missing }, { signal: controller.signal }), (e: LanglabError) => e.code === 'CANCELLED');
});
