import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { startBackend } from '../../../main/api/backend.ts';
import { openCliService } from '../../../main/cli/service.ts';
import { LanglabError } from '../../../main/errors.ts';
import { createRun } from '../../../main/store/runs.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

const code = (expected: string) => (err: unknown) => err instanceof LanglabError && err.code === expected;

test("the command line's service runs beside the app on the same folder: no instance lock, no crash recovery, the same dispatch", async () => {
  const home = tempDir();
  const app = startBackend({ runtime: 'browser', dataDir: home });
  // A run whose process is gone: only a backend that owns the folder may mark it INTERRUPTED.
  const orphan = createRun(app.store.db, { name: 'orphan', datasetId: null, modelKind: 'scratch', params: {} });
  app.store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(spawnSync(process.execPath, ['-e', '0']).pid, orphan);
  const cli = await openCliService(home);
  try {
    assert.equal((await cli.call('runs.get', { id: orphan })).status, 'RUNNING');
    assert.equal((await cli.call('app.info', {})).runtime, 'cli');
    // The service's validation and errors, thrown with their codes.
    await assert.rejects(cli.call('runs.get', { id: -1 }), code('INVALID_ARGUMENT'));
    await assert.rejects(cli.call('runs.get', { id: 999 }), code('NOT_FOUND'));
  } finally {
    cli.close();
    app.close();
  }
});

test('a job runs to its result id, and an aborted signal cancels it with nothing saved', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  const root = makeTree(files);
  const cli = await openCliService(tempDir());
  try {
    const phases: string[] = [];
    const id = await cli.runJob(cli.call('datasets.add', { kind: 'folder', path: root }), { signal: new AbortController().signal, onProgress: (t) => phases.push(t.phase) });
    assert.equal((await cli.call('datasets.get', { id })).splits.train > 0, true);
    assert.equal(phases.at(-1), 'done');
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(cli.runJob(cli.call('datasets.add', { kind: 'folder', path: root }), { signal: stop.signal }), code('CANCELLED'));
    assert.deepEqual((await cli.call('datasets.list', {})).map((d) => d.id), [id]);
  } finally {
    cli.close();
  }
});
