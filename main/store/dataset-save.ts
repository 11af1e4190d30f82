// Writing a scanned dataset: all at once for the command line, or in short steps that keep the
// app's main thread responsive, hidden from readers until its last row is written.
import os from 'node:os';
import type Database from 'better-sqlite3';
import { cancelled } from '../data/progress.ts';
import type { DatasetResult } from '../data/types.ts';
import { deleteDataset } from './datasets.ts';

/** Who is writing a dataset that is not complete yet: its readers skip it until then. */
interface SavingOwner {
  pid: number;
  host: string;
}

/** Inserts the dataset's own row and returns its id; with an owner it stays hidden until `finish`. */
function insertHeader(db: Database.Database, result: DatasetResult, now: number, owner: SavingOwner | null): number {
  const source = JSON.stringify(result.roots.length === 1 ? { path: result.roots[0], roots: result.roots } : { paths: result.roots, roots: result.roots });
  const insert = db.prepare(
    `INSERT INTO datasets (name, source_kind, source, fingerprint, class_counts, split_counts, created_at, options, near_duplicates_truncated, saving_pid, saving_host)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return Number(
    insert.run(
      result.name,
      result.kind,
      source,
      result.fingerprint,
      JSON.stringify(result.classes),
      JSON.stringify(result.splits),
      now,
      JSON.stringify(result.options),
      result.nearDuplicatesTruncated ? 1 : 0,
      owner?.pid ?? null,
      owner?.host ?? null,
    ).lastInsertRowid,
  );
}

/** How many rows `insertRows` writes for a dataset. */
function rowCount(result: DatasetResult): number {
  let n = result.files.length + result.duplicates.length + result.conflicts.length + result.nearDuplicates.length;
  for (const g of result.skipped) n += 1 + g.files.length;
  return n;
}

/** Writes the dataset's rows one at a time, pausing after each, so a caller decides where transactions end. */
function* insertRows(db: Database.Database, id: number, result: DatasetResult): Generator<void, void, void> {
  const insertFile = db.prepare(
    'INSERT INTO dataset_files (dataset_id, idx, root, path, path_bytes, label, split, size, sha256, text, project) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertSkip = db.prepare('INSERT INTO dataset_skips (dataset_id, reason, count) VALUES (?, ?, ?)');
  const insertSkipped = db.prepare('INSERT INTO dataset_skipped_files (dataset_id, reason, path) VALUES (?, ?, ?)');
  const insertDuplicate = db.prepare('INSERT INTO dataset_duplicates (dataset_id, sha256, label, kept, dropped) VALUES (?, ?, ?, ?, ?)');
  const insertConflict = db.prepare('INSERT INTO dataset_conflicts (dataset_id, sha256, files) VALUES (?, ?, ?)');
  const insertNear = db.prepare(
    'INSERT INTO dataset_near_duplicates (dataset_id, a, a_split, b, b_split, label, similarity) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < result.files.length; i++) {
    const f = result.files[i];
    insertFile.run(id, i, f.root, f.path, f.pathBytes ? Buffer.from(f.pathBytes) : null, f.label, f.split, f.size, f.sha256, f.text ?? null, f.project);
    yield;
  }
  for (const g of result.skipped) {
    insertSkip.run(id, g.reason, g.count);
    yield;
    for (const p of g.files) {
      insertSkipped.run(id, g.reason, p);
      yield;
    }
  }
  for (const d of result.duplicates) {
    insertDuplicate.run(id, d.sha256, d.label, d.kept, JSON.stringify(d.dropped));
    yield;
  }
  for (const c of result.conflicts) {
    insertConflict.run(id, c.sha256, JSON.stringify(c.files));
    yield;
  }
  for (const n of result.nearDuplicates) {
    insertNear.run(id, n.a, n.aSplit, n.b, n.bSplit, n.label, n.similarity);
    yield;
  }
}

/**
 * Saves a scanned dataset and all its rows in ONE transaction: a failure part-way leaves no trace,
 * so no half-built dataset is ever listed as complete. Returns the new id. It holds the thread for
 * the whole save (0.65-1.4 s for 100,000 rows, `npm run bench:save`): the command line uses it; the app uses
 * `saveDatasetInSteps`.
 */
export function saveDataset(db: Database.Database, result: DatasetResult, now = Date.now()): number {
  return db.transaction(() => {
    const id = insertHeader(db, result, now, null);
    for (const _ of insertRows(db, id, result));
    return id;
  })();
}

/** Rows per transaction of `saveDatasetInSteps`: the longest stall of a 100,000-row save was 10-21 ms at 250, 26 ms at 500, 39 ms at 1,000 (`npm run bench:save`). */
export const ROWS_PER_STEP = 250;

/**
 * Saves a scanned dataset in short transactions of `rowsPerStep` rows, giving the event loop back
 * between them, so a 100,000-row dataset does not stall the app's main thread (IPC, metric
 * writes) for a second. Until the last row is written the dataset is hidden from every reader;
 * a failure or an abort deletes what was written, and a crash part-way leaves rows that the next
 * start of the app deletes (`removeUnfinishedDatasets` in recovery.ts). Returns the new id.
 */
export async function saveDatasetInSteps(
  db: Database.Database,
  result: DatasetResult,
  options: { signal?: AbortSignal; onProgress?: (written: number, total: number) => void; rowsPerStep?: number; now?: number } = {},
): Promise<number> {
  const { signal, onProgress, rowsPerStep = ROWS_PER_STEP, now = Date.now() } = options;
  if (signal?.aborted) throw cancelled();
  const total = rowCount(result);
  const id = insertHeader(db, result, now, { pid: process.pid, host: os.hostname() });
  try {
    const rows = insertRows(db, id, result);
    const step = db.transaction(() => {
      let n = 0;
      while (n < rowsPerStep && !rows.next().done) n++;
      return n;
    });
    let written = 0;
    for (;;) {
      const n = step();
      written += n;
      onProgress?.(written, total);
      if (n < rowsPerStep) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw cancelled();
    }
    db.prepare('UPDATE datasets SET saving_pid = NULL, saving_host = NULL WHERE id = ?').run(id);
    return id;
  } catch (err) {
    try {
      deleteDataset(db, id);
    } catch {
      // The store cannot be written now (disk full?); the next start removes the partial rows.
    }
    throw err;
  }
}
