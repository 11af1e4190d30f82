// What a crash leaves behind, and how the next app start tidies it: runs and jobs still marked
// RUNNING by a process that is gone, and datasets it was part-way through saving. Work owned by a
// live process (a CLI beside the app) is left alone.
import os from 'node:os';
import type Database from 'better-sqlite3';
import { deleteDataset } from './datasets.ts';
import { processAlive } from './lock.ts';

/** Tidies everything a crashed process left: `openStore({ recoverCrashed: true })` calls it. */
export function recoverCrashed(db: Database.Database): void {
  markCrashedAsInterrupted(db);
  removeUnfinishedDatasets(db);
}

/**
 * A run, job, sweep or finder run still RUNNING whose owner process is gone was cut short by a crash: mark it
 * INTERRUPTED with an end time (a sweep can then be resumed with the trials it had not run). Runs
 * owned by a live process (a CLI training beside the app) stay.
 */
export function markCrashedAsInterrupted(db: Database.Database, now = Date.now()): number {
  const host = os.hostname();
  const reason = 'The process running it stopped unexpectedly (crash or forced quit).';
  let changed = 0;
  const tables = [['runs', 'end_time'], ['classification_jobs', 'ended_at'], ['sweeps', 'ended_at'], ['lr_finds', 'ended_at']] as const;
  for (const [table, endColumn] of tables) {
    const rows = db.prepare(`SELECT id, owner_pid, owner_host FROM ${table} WHERE status = 'RUNNING'`).all() as {
      id: number;
      owner_pid: number | null;
      owner_host: string | null;
    }[];
    const update = db.prepare(
      `UPDATE ${table} SET status = 'INTERRUPTED', ${endColumn} = ?, error = COALESCE(error, ?) WHERE id = ? AND status = 'RUNNING'`,
    );
    for (const row of rows) {
      const ownerAlive =
        row.owner_host === host && row.owner_pid !== null && row.owner_pid !== process.pid && processAlive(row.owner_pid);
      if (!ownerAlive) changed += update.run(now, reason, row.id).changes;
    }
  }
  return changed;
}

/**
 * Deletes datasets left part-saved by a process that is gone (a crash or a forced quit during a
 * save); one still being saved by a live process (a CLI beside the app) stays. Returns how many.
 */
export function removeUnfinishedDatasets(db: Database.Database): number {
  const host = os.hostname();
  const rows = db.prepare('SELECT id, saving_pid, saving_host FROM datasets WHERE saving_pid IS NOT NULL').all() as {
    id: number;
    saving_pid: number;
    saving_host: string | null;
  }[];
  let removed = 0;
  for (const row of rows) {
    const ownerAlive = row.saving_host === host && row.saving_pid !== process.pid && processAlive(row.saving_pid);
    if (!ownerAlive && deleteDataset(db, row.id)) removed++;
  }
  return removed;
}

/**
 * What SQLite finds wrong with the store: `PRAGMA integrity_check` and `PRAGMA foreign_key_check`
 * (rows pointing at a parent that is gone). Empty when the file is whole; the chaos benchmark
 * (bench/chaos.ts) asks it after every kill.
 */
export function integrityProblems(db: Database.Database): string[] {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((r) => r !== 'ok');
  const keys = (db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]).map(
    (r) => `${r.table} row ${r.rowid} points at a missing ${r.parent} row`,
  );
  return [...integrity, ...keys];
}
