import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LanglabError } from '../../../main/errors.ts';
import { acquireInstanceLock } from '../../../main/store/lock.ts';
import { latestVersion, loadMigrations, migrate } from '../../../main/store/migrate.ts';
import { createRun } from '../../../main/store/runs.ts';
import { openStore } from '../../../main/store/store.ts';
import { tempDir } from '../../helpers/temp.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LanglabError, `expected a LanglabError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an error');
};

test('a new store is created in WAL mode at the latest schema with STRICT tables', () => {
  const file = path.join(tempDir(), 'nested', 'langlab.db');
  const store = openStore({ file });
  assert.equal(store.schemaVersion, latestVersion(loadMigrations()));
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  const tables = store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
  for (const name of ['experiments', 'runs', 'params', 'metrics', 'latest_metrics', 'run_tags', 'artifacts', 'evaluations', 'datasets', 'classification_jobs', 'classification_results']) {
    const table = tables.find((t) => t.name === name);
    assert.ok(table, `table ${name} exists`);
    assert.match(table.sql, /STRICT/, `${name} is STRICT`);
  }
  store.close();
  // Opening again is a no-op migration.
  const again = openStore({ file });
  assert.equal(again.schemaVersion, latestVersion(loadMigrations()));
  again.close();
});

test('a store written by a newer build is refused and left byte-for-byte untouched', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const raw = new Database(file);
  raw.exec('CREATE TABLE future (x INTEGER)');
  raw.pragma('user_version = 999');
  raw.close();
  const before = readFileSync(file);
  const err = code(() => openStore({ file }));
  assert.equal(err.code, 'STORE_NEWER');
  assert.match(err.message, /newer Langlab \(schema 999/);
  assert.match(err.message, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.deepEqual(readFileSync(file), before);
});

test('a corrupt database file is refused with a clear message and not modified', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const garbage = Buffer.alloc(8192, 0x5a);
  writeFileSync(file, garbage);
  const err = code(() => openStore({ file }));
  assert.equal(err.code, 'STORE_CORRUPT');
  assert.match(err.message, /damaged or is not a Langlab database/);
  assert.deepEqual(readFileSync(file), garbage);
});

test('a read-only database file is refused, with what to do', () => {
  const file = path.join(tempDir(), 'langlab.db');
  openStore({ file }).close();
  chmodSync(file, 0o444);
  const before = readFileSync(file);
  const err = code(() => openStore({ file }));
  assert.equal(err.code, 'STORE_READONLY');
  assert.match(err.message, /read-only/);
  assert.deepEqual(readFileSync(file), before);
});

test('migrations run in one transaction: a failing one leaves the schema as it was', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, '001_a.sql'), 'CREATE TABLE a (x INTEGER) STRICT;');
  writeFileSync(path.join(dir, '002_b.sql'), 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO missing VALUES (1);');
  const db = new Database(':memory:');
  assert.throws(() => migrate(db, loadMigrations(dir), ':memory:'), /no such table: missing/);
  assert.equal(db.pragma('user_version', { simple: true }), 0);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('a', 'b')").get() as { n: number }).n, 0);
});

test('migration files out of sequence are rejected', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, '001_a.sql'), 'SELECT 1;');
  writeFileSync(path.join(dir, '003_c.sql'), 'SELECT 1;');
  assert.throws(() => loadMigrations(dir), /out of sequence/);
});

test('runs left RUNNING by a crashed process become INTERRUPTED; a live owner keeps its run', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const store = openStore({ file });
  const crashed = createRun(store.db, { name: 'crashed', datasetId: null, modelKind: 'scratch', params: {} });
  const live = createRun(store.db, { name: 'live', datasetId: null, modelKind: 'scratch', params: {} });
  // A pid that certainly exited: a child we ran to completion.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(deadPid, crashed);
  // The live one belongs to another running process: our parent (the test runner).
  store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(process.ppid, live);
  store.close();

  const reopened = openStore({ file, recoverCrashed: true });
  const rows = reopened.db.prepare('SELECT name, status, end_time, error FROM runs ORDER BY id').all() as { name: string; status: string; end_time: number | null; error: string | null }[];
  assert.equal(rows[0].status, 'INTERRUPTED');
  assert.ok(rows[0].end_time);
  assert.match(rows[0].error ?? '', /stopped unexpectedly/);
  assert.equal(rows[1].status, 'RUNNING');
  reopened.close();
});

test('params are immutable once logged', () => {
  const store = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const id = createRun(store.db, { name: 'r', datasetId: null, modelKind: 'scratch', params: { learning_rate: 0.001 } });
  assert.throws(() => store.db.prepare("UPDATE params SET value = '1' WHERE run_id = ?").run(id), /immutable/);
  store.close();
});

test('a second app instance on the same data folder is refused; a stale lock is taken over', () => {
  const dir = tempDir();
  const first = acquireInstanceLock(dir, 'browser mode');
  const err = code(() => acquireInstanceLock(dir, 'desktop app'));
  assert.equal(err.code, 'STORE_LOCKED');
  assert.match(err.message, /Another Langlab instance \(browser mode, pid \d+\)/);
  first.release();

  // A lock left by a process that no longer exists does not block the next start.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(path.join(dir, 'langlab.lock'), JSON.stringify({ pid: deadPid, host: os.hostname(), startedAt: 0, what: 'x' }));
  const second = acquireInstanceLock(dir, 'desktop app');
  second.release();
});
