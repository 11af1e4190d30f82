import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ClassProjectsInfo, DatasetFileInfo } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { sha256Hex } from '../data/fingerprint.ts';
import { cancelled } from '../data/progress.ts';
import type {
  ClassSummary,
  Conflict,
  DatasetResult,
  DuplicateGroup,
  NearDuplicatePair,
  SkipReason,
  Split,
  SplitCounts,
} from '../data/types.ts';
import { rootsOf, savedDatasetRow, savedDatasetRows, type DatasetRow } from './dataset-summaries.ts';

/** A saved dataset with everything a report or the Datasets page shows, but not its file list. */
export interface DatasetReport extends Omit<DatasetResult, 'files'> {
  id: number;
  createdAt: number;
}

/** One row of a dataset's file list, as a paged browser shows it, plus which root it is under. */
export interface DatasetFileRow extends DatasetFileInfo {
  root: number;
}

export interface DatasetFilesPage {
  total: number;
  files: DatasetFileRow[];
}

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

const DUPLICATES = 'SELECT sha256, label, kept, dropped FROM dataset_duplicates WHERE dataset_id = ?';
const CONFLICTS = 'SELECT sha256, files FROM dataset_conflicts WHERE dataset_id = ?';

interface DuplicateRow {
  sha256: string;
  label: string;
  kept: string;
  dropped: string;
}

interface ConflictRow {
  sha256: string;
  files: string;
}

function toDuplicate(d: DuplicateRow): DuplicateGroup {
  return { ...d, dropped: JSON.parse(d.dropped) as string[] };
}

function toConflict(c: ConflictRow): Conflict {
  return { sha256: c.sha256, files: JSON.parse(c.files) as Conflict['files'] };
}

interface NearDuplicateRow {
  a: string;
  a_split: Split;
  b: string;
  b_split: Split;
  label: string | null;
  similarity: number;
}

function toNearDuplicate(n: NearDuplicateRow): NearDuplicatePair {
  return { a: n.a, aSplit: n.a_split, b: n.b, bSplit: n.b_split, label: n.label, similarity: n.similarity };
}

export type DatasetHeader = Omit<DatasetReport, 'skipped' | 'duplicates' | 'conflicts' | 'nearDuplicates'>;

function header(row: DatasetRow): DatasetHeader {
  return {
    id: row.id,
    name: row.name,
    kind: row.source_kind,
    roots: rootsOf(row.source),
    fingerprint: row.fingerprint,
    createdAt: row.created_at,
    classes: JSON.parse(row.class_counts) as ClassSummary[],
    splits: JSON.parse(row.split_counts) as SplitCounts,
    nearDuplicatesTruncated: row.near_duplicates_truncated === 1,
    options: JSON.parse(row.options) as Record<string, unknown>,
  };
}

/** The full report of one dataset, or null when there is no such id. */
export function getDataset(db: Database.Database, id: number): DatasetReport | null {
  const row = savedDatasetRow(db, id);
  if (!row) return null;
  const skipped = listSkipReasons(db, id).map(
    (s) => ({
      reason: s.reason,
      count: s.count,
      files: (db.prepare('SELECT path FROM dataset_skipped_files WHERE dataset_id = ? AND reason = ? ORDER BY rowid').pluck().all(id, s.reason) as string[]),
    }),
  );
  const duplicates = (db.prepare(`${DUPLICATES} ORDER BY rowid`).all(id) as DuplicateRow[]).map(toDuplicate);
  const conflicts = (db.prepare(`${CONFLICTS} ORDER BY rowid`).all(id) as ConflictRow[]).map(toConflict);
  const nearDuplicates = (
    db.prepare('SELECT a, a_split, b, b_split, label, similarity FROM dataset_near_duplicates WHERE dataset_id = ? ORDER BY rowid').all(id) as NearDuplicateRow[]
  ).map(toNearDuplicate);
  const { nearDuplicatesTruncated, ...head } = header(row);
  return { ...head, skipped, duplicates, conflicts, nearDuplicates, nearDuplicatesTruncated };
}

/** A saved dataset's report without its lists, or null when there is no such id. */
export function getDatasetHeader(db: Database.Database, id: number): DatasetHeader | null {
  const row = savedDatasetRow(db, id);
  return row ? header(row) : null;
}

/** Why files were left out and how many for each reason (the paths are paged with `listSkippedFiles`). */
export function listSkipReasons(db: Database.Database, id: number): { reason: SkipReason; count: number }[] {
  return db.prepare('SELECT reason, count FROM dataset_skips WHERE dataset_id = ? ORDER BY reason').all(id) as { reason: SkipReason; count: number }[];
}

/** Every dataset's report header, newest first (no skip lists: cheap enough for a list view). */
export function listDatasets(db: Database.Database): DatasetHeader[] {
  return savedDatasetRows(db).map(header);
}

/** Deletes a dataset and its rows (runs that used it keep a NULL dataset id). */
export function deleteDataset(db: Database.Database, id: number): boolean {
  return db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
}

/** One page of a dataset's files, optionally of one class and/or split, in dataset order. */
export function listDatasetFiles(
  db: Database.Database,
  id: number,
  query: { label?: string; split?: Split; offset?: number; limit?: number } = {},
): DatasetFilesPage {
  const where = ['dataset_id = ?'];
  const params: (string | number)[] = [id];
  if (query.label !== undefined) {
    where.push('label = ?');
    params.push(query.label);
  }
  if (query.split !== undefined) {
    where.push('split = ?');
    params.push(query.split);
  }
  const clause = where.join(' AND ');
  const total = db.prepare(`SELECT count(*) FROM dataset_files WHERE ${clause}`).pluck().get(...params) as number;
  const limit = clampLimit(query.limit);
  const offset = Math.max(0, query.offset ?? 0);
  const files = (db
    .prepare(`SELECT idx, root, path, label, split, size, sha256, project FROM dataset_files WHERE ${clause} ORDER BY idx LIMIT ? OFFSET ?`)
    .all(...params, limit, offset) as { idx: number; root: number; path: string; label: string; split: Split; size: number; sha256: string; project: string | null }[]).map(
    ({ idx, ...rest }) => ({ index: idx, ...rest }),
  );
  return { total, files };
}

/** One page of the paths skipped for one reason, in the order they were met. */
export function listSkippedFiles(db: Database.Database, id: number, reason: string, page: { offset?: number; limit?: number } = {}): { total: number; files: string[] } {
  const total = db.prepare('SELECT count(*) FROM dataset_skipped_files WHERE dataset_id = ? AND reason = ?').pluck().get(id, reason) as number;
  const files = db
    .prepare('SELECT path FROM dataset_skipped_files WHERE dataset_id = ? AND reason = ? ORDER BY rowid LIMIT ? OFFSET ?')
    .pluck()
    .all(id, reason, clampLimit(page.limit), Math.max(0, page.offset ?? 0)) as string[];
  return { total, files };
}

/** One page of the duplicate groups (in scan order), with how many groups and dropped copies there are in all. */
export function listDuplicates(
  db: Database.Database,
  id: number,
  page: { offset?: number; limit?: number } = {},
): { total: number; dropped: number; groups: DuplicateGroup[] } {
  const { total, dropped } = db
    .prepare('SELECT count(*) AS total, coalesce(sum(json_array_length(dropped)), 0) AS dropped FROM dataset_duplicates WHERE dataset_id = ?')
    .get(id) as { total: number; dropped: number };
  const rows = db.prepare(`${DUPLICATES} ORDER BY rowid LIMIT ? OFFSET ?`).all(id, clampLimit(page.limit), Math.max(0, page.offset ?? 0)) as DuplicateRow[];
  return { total, dropped, groups: rows.map(toDuplicate) };
}

/** One page of the conflicts (the same content under different labels), in scan order. */
export function listConflicts(db: Database.Database, id: number, page: { offset?: number; limit?: number } = {}): { total: number; conflicts: Conflict[] } {
  const total = db.prepare('SELECT count(*) FROM dataset_conflicts WHERE dataset_id = ?').pluck().get(id) as number;
  const rows = db.prepare(`${CONFLICTS} ORDER BY rowid LIMIT ? OFFSET ?`).all(id, clampLimit(page.limit), Math.max(0, page.offset ?? 0)) as ConflictRow[];
  return { total, conflicts: rows.map(toConflict) };
}

/** One page of the near-duplicate pairs across splits, most similar first. */
export function listNearDuplicates(db: Database.Database, id: number, page: { offset?: number; limit?: number } = {}): { total: number; pairs: NearDuplicatePair[] } {
  const total = db.prepare('SELECT count(*) FROM dataset_near_duplicates WHERE dataset_id = ?').pluck().get(id) as number;
  const rows = db
    .prepare('SELECT a, a_split, b, b_split, label, similarity FROM dataset_near_duplicates WHERE dataset_id = ? ORDER BY rowid LIMIT ? OFFSET ?')
    .all(id, clampLimit(page.limit), Math.max(0, page.offset ?? 0)) as NearDuplicateRow[];
  return { total, pairs: rows.map(toNearDuplicate) };
}

function clampLimit(limit: number | undefined): number {
  return Math.max(0, Math.min(limit ?? 100, 1000));
}

/** One file of a dataset by its index, or null when the dataset has no such file. */
export function getDatasetFile(db: Database.Database, id: number, index: number): DatasetFileRow | null {
  const row = db.prepare('SELECT idx, root, path, label, split, size, sha256 FROM dataset_files WHERE dataset_id = ? AND idx = ?').get(id, index) as
    | (Omit<DatasetFileRow, 'index'> & { idx: number })
    | undefined;
  if (!row) return null;
  const { idx, ...rest } = row;
  return { index: idx, ...rest };
}

/**
 * Per class: its named projects in all and per split, the files that name none, and the largest
 * project's share, with how the dataset recorded that the class was split.
 */
export function classProjects(db: Database.Database, id: number): ClassProjectsInfo[] {
  const options = JSON.parse(savedDatasetRow(db, id)?.options ?? '{}') as { splitFrom?: string; splitByClass?: Record<string, 'project' | 'file'> };
  const splitOf = (label: string): ClassProjectsInfo['split'] => (options.splitFrom === 'column' ? 'column' : options.splitByClass?.[label] ?? 'file');
  const rows = db
    .prepare(
      `SELECT label, project, split, count(*) AS files FROM dataset_files WHERE dataset_id = ? GROUP BY label, project, split ORDER BY label`,
    )
    .all(id) as { label: string; project: string | null; split: Split; files: number }[];
  const byLabel = new Map<string, { split: Map<Split, Set<string>>; sizes: Map<string, number>; unnamed: number; total: number }>();
  for (const r of rows) {
    let c = byLabel.get(r.label);
    if (!c) byLabel.set(r.label, (c = { split: new Map(), sizes: new Map(), unnamed: 0, total: 0 }));
    c.total += r.files;
    if (r.project === null) {
      c.unnamed += r.files;
      continue;
    }
    c.sizes.set(r.project, (c.sizes.get(r.project) ?? 0) + r.files);
    const set = c.split.get(r.split) ?? new Set<string>();
    set.add(r.project);
    c.split.set(r.split, set);
  }
  return [...byLabel].map(([label, c]) => {
    let largest: ClassProjectsInfo['largest'] = null;
    for (const [project, n] of c.sizes) if (!largest || n / c.total > largest.share) largest = { project, share: n / c.total };
    const count = (split: Split) => c.split.get(split)?.size ?? 0;
    return {
      label,
      split: splitOf(label),
      projects: c.sizes.size,
      bySplit: { train: count('train'), validation: count('validation'), test: count('test') },
      unnamedFiles: c.unnamed,
      largest,
    };
  });
}

/** Every file's label and size, streamed, for statistics such as the length histogram. */
export function* datasetFileSizes(db: Database.Database, id: number): Generator<{ label: string; size: number }> {
  yield* db.prepare('SELECT label, size FROM dataset_files WHERE dataset_id = ?').iterate(id) as Iterable<{ label: string; size: number }>;
}

/**
 * The text of one file of a dataset: stored text for table rows, else read from its folder and
 * checked against the saved hash, so training never silently uses a file that has changed.
 */
export async function readDatasetFileText(db: Database.Database, id: number, index: number): Promise<string> {
  const row = db
    .prepare('SELECT d.source, f.root, f.path, f.path_bytes, f.sha256, f.text FROM dataset_files f JOIN datasets d ON d.id = f.dataset_id WHERE f.dataset_id = ? AND f.idx = ?')
    .get(id, index) as { source: string; root: number; path: string; path_bytes: Buffer | null; sha256: string; text: string | null } | undefined;
  if (!row) throw new LanglabError('NOT_FOUND', `Dataset ${id} has no file number ${index}.`);
  if (row.text !== null) return row.text;
  const root = rootsOf(row.source)[row.root];
  const abs = row.path_bytes ? Buffer.concat([Buffer.from(root + '/'), row.path_bytes]) : path.join(root, row.path);
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(abs);
  } catch (err) {
    throw new LanglabError('NOT_FOUND', `The file ${path.join(root, row.path)} of dataset ${id} cannot be read (${(err as NodeJS.ErrnoException).code}). Was it moved or deleted?`);
  }
  if (sha256Hex(bytes) !== row.sha256) {
    throw new LanglabError('INVALID_ARGUMENT', `The file ${path.join(root, row.path)} changed since dataset ${id} was made. Add the dataset again to use the new contents.`);
  }
  return new TextDecoder('utf-8').decode(bytes);
}
