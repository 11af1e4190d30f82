import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { EVENT_NAMES, REQUEST_NAMES } from '../../../preload/contract.ts';
import { startBackend } from '../../../main/api/backend.ts';
import { requestSchemas } from '../../../main/api/schemas.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

test('every request in the contract has a schema, and the name lists match the contract', () => {
  assert.deepEqual([...REQUEST_NAMES].sort(), Object.keys(requestSchemas).sort());
  assert.equal(new Set(EVENT_NAMES).size, EVENT_NAMES.length);
  for (const name of ['app.log', 'store.changed', 'job.progress', 'run.log'] as const) assert.ok(EVENT_NAMES.includes(name), name);
});

test('the service answers through dispatch with real store data', async () => {
  const backend = startBackend({ runtime: 'browser', dataDir: tempDir() });
  try {
    const ds = seedDataset(backend.store.db, 'ref');
    const runId = seedFinishedRun(backend.store.db, ds, 'first');
    const info = await backend.dispatch('app.info', {});
    assert.ok(info.ok);
    assert.equal((info.result as { storePath: string }).storePath, path.join(backend.dataDir, 'langlab.db'));
    const providers = await backend.dispatch('app.providers', {});
    assert.ok(providers.ok);
    assert.ok((providers.result as { name: string; status: string }[]).some((p) => p.name === 'cpu' && p.status === 'ready'));
    const datasets = await backend.dispatch('datasets.list', {});
    assert.ok(datasets.ok);
    assert.equal((datasets.result as { name: string }[])[0].name, 'ref');
    const run = await backend.dispatch('runs.get', { id: runId });
    assert.ok(run.ok);
    assert.equal((run.result as { name: string }).name, 'first');
  } finally {
    backend.close();
  }
});

test('unknown requests and malformed arguments come back as clear errors, never crashes', async () => {
  const backend = startBackend({ runtime: 'browser', dataDir: tempDir() });
  try {
    const unknown = await backend.dispatch('runs.drop', {});
    assert.deepEqual(unknown.ok ? null : unknown.error.code, 'UNKNOWN_REQUEST');
    assert.match(unknown.ok ? '' : unknown.error.message, /Unknown request "runs.drop"/);

    const wrongType = await backend.dispatch('runs.get', { id: 'seven' });
    assert.equal(wrongType.ok ? null : wrongType.error.code, 'INVALID_ARGUMENT');
    assert.match(wrongType.ok ? '' : wrongType.error.message, /runs\.get.*id/);

    const extraField = await backend.dispatch('runs.setNote', { id: 1, note: 'x', sql: 'DROP TABLE runs' });
    assert.equal(extraField.ok ? null : extraField.error.code, 'INVALID_ARGUMENT');

    const notObject = await backend.dispatch('runs.list', 'everything');
    assert.equal(notObject.ok ? null : notObject.error.code, 'INVALID_ARGUMENT');

    const missing = await backend.dispatch('runs.get', { id: 404 });
    assert.equal(missing.ok ? null : missing.error.code, 'NOT_FOUND');
    // The store is still there and usable after all of that.
    assert.ok((await backend.dispatch('runs.list', {})).ok);
  } finally {
    backend.close();
  }
});

test('editing a note emits a store change event', async () => {
  const backend = startBackend({ runtime: 'browser', dataDir: tempDir() });
  try {
    const id = seedFinishedRun(backend.store.db, seedDataset(backend.store.db), 'r');
    const seen: unknown[] = [];
    backend.events.subscribe((name, payload) => seen.push({ name, payload }));
    const result = await backend.dispatch('runs.setNote', { id, note: 'looks good' });
    assert.ok(result.ok);
    assert.deepEqual(seen, [{ name: 'store.changed', payload: { what: 'runs', id } }]);
  } finally {
    backend.close();
  }
});

test('a second backend on the same data folder is refused and the first keeps working', async () => {
  const dataDir = tempDir();
  const first = startBackend({ runtime: 'browser', dataDir });
  try {
    assert.throws(() => startBackend({ runtime: 'electron', dataDir }), /Another Langlab instance \(browser mode/);
    assert.ok((await first.dispatch('runs.list', {})).ok);
  } finally {
    first.close();
  }
  // Once the first stops, the folder is free again.
  startBackend({ runtime: 'browser', dataDir }).close();
});
