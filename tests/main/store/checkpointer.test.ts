// The app's store checkpoints its WAL on a worker thread: the writing connection's commits never
// checkpoint (wal_autocheckpoint 0), the worker copies the log into the database file, and closing
// the store stops the worker; without the option a store checkpoints as SQLite does by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openStore } from '../../../main/store/store.ts';
import { tempDir } from '../../helpers/temp.ts';

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

test('with checkpointInWorker, commits do not checkpoint and the worker copies the log into the file', async () => {
  const file = `${tempDir()}/langlab.db`;
  const store = openStore({ file, checkpointInWorker: true });
  assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 0);
  const sizeBefore = fs.statSync(file).size;
  store.db.exec('CREATE TABLE filler (x BLOB)');
  const insert = store.db.prepare('INSERT INTO filler VALUES (?)');
  // About 4 MB in many commits: past SQLite's 1000-page automatic checkpoint.
  for (let i = 0; i < 250; i++) store.db.transaction(() => insert.run(Buffer.alloc(16_000, i)))();
  // The worker copies the committed pages into the database file on its own.
  assert.ok(await until(() => fs.statSync(file).size > sizeBefore + 3_000_000, 10_000), 'the worker checkpointed the log into the file');
  store.close();
  // Every row is kept, and a store opened without the option checkpoints as SQLite does.
  const again = openStore({ file });
  assert.equal(again.db.prepare('SELECT count(*) FROM filler').pluck().get(), 250);
  assert.equal(again.db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  again.close();
});
