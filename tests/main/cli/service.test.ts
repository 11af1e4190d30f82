import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { startBackend } from '../../../main/api/backend.ts';
import { openCliService } from '../../../main/cli/service.ts';
import { LanglabError } from '../../../main/errors.ts';
import { createRun } from '../../../main/store/runs.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

const code = (expected: string) => (err: unknown) => err instanceof LanglabError && err.code === expected;

test("the command line's service runs beside the app on the same folder: no instance lock, the same dispatch, and only dead processes' work recovered", async () => {
  const home = tempDir();
  const app = startBackend({ runtime: 'browser', dataDir: home });
  // A run whose process is gone, and one whose process (another Langlab beside this one) is alive.
  const orphan = createRun(app.store.db, { name: 'orphan', datasetId: null, modelKind: 'scratch', params: {} });
  app.store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(spawnSync(process.execPath, ['-e', '0']).pid, orphan);
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const live = createRun(app.store.db, { name: 'live', datasetId: null, modelKind: 'scratch', params: {} });
  app.store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(other.pid, live);
  const cli = await openCliService(home);
  try {
    // `langlab runs` shows a run whose owner is gone as INTERRUPTED, whichever process looks first.
    assert.equal((await cli.call('runs.get', { id: orphan })).status, 'INTERRUPTED');
    assert.equal((await cli.call('runs.get', { id: live })).status, 'RUNNING', "a live process's run is left alone");
    assert.equal((await cli.call('app.info', {})).runtime, 'cli');
    // The service's validation and errors, thrown with their codes.
    await assert.rejects(cli.call('runs.get', { id: -1 }), code('INVALID_ARGUMENT'));
    await assert.rejects(cli.call('runs.get', { id: 999 }), code('NOT_FOUND'));
  } finally {
    other.kill('SIGKILL');
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
