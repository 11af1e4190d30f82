import type Database from 'better-sqlite3';
import type { ClassCount, DatasetSourceKind, DatasetSplitKind, DatasetSummary, SplitCounts } from '../../preload/contract.ts';

/** One row of the `datasets` table, as SQLite returns it. */
export interface DatasetRow {
  id: number;
  name: string;
  source_kind: DatasetSourceKind;
  source: string;
  fingerprint: string;
  class_counts: string;
  split_counts: string;
  created_at: number;
  options: string;
  near_duplicates_truncated: number;
  /** The process writing the dataset's rows; null once they are all written. */
  saving_pid: number | null;
  saving_host: string | null;
}

/** Datasets whose every row is written; one still being saved (or cut short by a crash) is not. */
const SAVED = 'saving_pid IS NULL';

/** Every saved dataset's row, newest first. */
export function savedDatasetRows(db: Database.Database): DatasetRow[] {
  return db.prepare(`SELECT * FROM datasets WHERE ${SAVED} ORDER BY created_at DESC, id DESC`).all() as DatasetRow[];
}

/** One saved dataset's row, or undefined when there is no such id (or it is still being saved). */
export function savedDatasetRow(db: Database.Database, id: number): DatasetRow | undefined {
  return db.prepare(`SELECT * FROM datasets WHERE id = ? AND ${SAVED}`).get(id) as DatasetRow | undefined;
}

/** Every saved dataset, newest first, in the shape list views need. */
export function listDatasetSummaries(db: Database.Database): DatasetSummary[] {
  return savedDatasetRows(db).map(toSummary);
}

/** The summary of one dataset, or null when there is no such id. */
export function getDatasetSummary(db: Database.Database, id: number): DatasetSummary | null {
  const row = savedDatasetRow(db, id);
  return row ? toSummary(row) : null;
}

export function toSummary(row: Omit<DatasetRow, 'near_duplicates_truncated'>): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    sourceKind: row.source_kind,
    source: rootsOf(row.source).join(', ') || row.source,
    fingerprint: row.fingerprint,
    classes: JSON.parse(row.class_counts) as ClassCount[],
    splits: JSON.parse(row.split_counts) as SplitCounts,
    splitKind: splitKindOf(row.options),
    createdAt: row.created_at,
  };
}

/** The recorded split kind; datasets saved before projects were recorded were split per file. */
function splitKindOf(options: string): DatasetSplitKind {
  const from = (JSON.parse(options) as { splitFrom?: unknown }).splitFrom;
  return from === 'project' || from === 'mixed' || from === 'column' ? from : 'file';
}

/** The folders (or table file) a dataset's file paths are relative to, from its `source` column. */
export function rootsOf(source: string): string[] {
  try {
    const parsed = JSON.parse(source) as { roots?: string[]; path?: string; paths?: string[] } | string;
    if (typeof parsed === 'string') return [parsed];
    return parsed.roots ?? parsed.paths ?? (parsed.path ? [parsed.path] : []);
  } catch {
    // Not JSON: an older or hand-made row holding the path itself.
    return [source];
  }
}
