// The engine process opens the store read-only while the app's process writes to it: the same
// refusals as a read-write open, and nothing it does can change the file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LanglabError } from '../../../main/errors.ts';
import { latestVersion, loadMigrations } from '../../../main/store/migrate.ts';
import { createRun, getRun, setRunNote } from '../../../main/store/runs.ts';
import { openStore } from '../../../main/store/store.ts';
import { tempDir } from '../../helpers/temp.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LanglabError, `expected a LanglabError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an error');
};

const escape = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

test('a read-only store reads what the writer wrote, beside the writer, and refuses every write', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const writer = openStore({ file });
  const id = createRun(writer.db, { name: 'written', datasetId: null, modelKind: 'scratch', params: { epochs: 3 } });
  const reader = openStore({ file, readonly: true });
  assert.equal(reader.schemaVersion, latestVersion(loadMigrations()));
  assert.equal(getRun(reader.db, id).name, 'written');
  assert.throws(() => createRun(reader.db, { name: 'sneaked', datasetId: null, modelKind: 'scratch', params: {} }), { code: 'SQLITE_READONLY' });
  assert.throws(() => setRunNote(reader.db, id, 'changed'), { code: 'SQLITE_READONLY' });
  // The writer's later rows are seen; the reader's attempts left nothing.
  setRunNote(writer.db, id, 'by the writer');
  assert.equal(getRun(reader.db, id).note, 'by the writer');
  assert.equal(writer.db.prepare('SELECT count(*) FROM runs').pluck().get(), 1);
  reader.close();
  writer.close();
});

test('a read-only open refuses a store written by a newer build with the same message, and leaves it untouched', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const raw = new Database(file);
  raw.exec('CREATE TABLE future (x INTEGER)');
  raw.pragma('user_version = 999');
  raw.close();
  const before = readFileSync(file);
  const err = refusal(() => openStore({ file, readonly: true }));
  assert.equal(err.code, 'STORE_NEWER');
  assert.match(err.message, /newer Langlab \(schema 999; this build knows up to \d+\)/);
  assert.match(err.message, escape(file));
  assert.deepEqual(readFileSync(file), before);
});

test('a read-only open refuses a corrupt file with the same message, and leaves it untouched', () => {
  const file = path.join(tempDir(), 'langlab.db');
  const garbage = Buffer.alloc(8192, 0x5a);
  writeFileSync(file, garbage);
  const err = refusal(() => openStore({ file, readonly: true }));
  assert.equal(err.code, 'STORE_CORRUPT');
  assert.match(err.message, /damaged or is not a Langlab database/);
  assert.deepEqual(readFileSync(file), garbage);
});

test('a read-only open creates nothing: a missing store, or one not yet upgraded, is refused with what to do', () => {
  const dir = tempDir();
  const missing = path.join(dir, 'nested', 'langlab.db');
  const gone = refusal(() => openStore({ file: missing, readonly: true }));
  assert.equal(gone.code, 'NOT_FOUND');
  assert.match(gone.message, escape(missing));
  assert.equal(existsSync(path.dirname(missing)), false);

  const old = path.join(dir, 'old.db');
  const raw = new Database(old);
  raw.exec('CREATE TABLE t (x INTEGER)');
  raw.close();
  const before = readFileSync(old);
  const err = refusal(() => openStore({ file: old, readonly: true }));
  assert.equal(err.code, 'STORE_READONLY');
  assert.match(err.message, /schema 0 and this build needs \d+; opened read-only it cannot be upgraded/);
  assert.deepEqual(readFileSync(old), before);
});

test('a read-only open loads the better-sqlite3 addon it is given (Electron keeps its own build)', () => {
  const file = path.join(tempDir(), 'langlab.db');
  openStore({ file }).close();
  const addon = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  const store = openStore({ file, readonly: true, nativeBinding: addon });
  assert.equal(store.schemaVersion, latestVersion(loadMigrations()));
  store.close();
  const absent = path.join(tempDir(), 'no-such-addon.node');
  assert.throws(() => openStore({ file, readonly: true, nativeBinding: absent }), escape(absent));
});
