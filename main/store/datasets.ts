// Saved datasets as their report shows them: the header (classes, splits, options), why files
// were skipped, duplicates, conflicts and near-duplicates a page at a time, projects per class, and
// deleting one. Saving is in dataset-save.ts, the file list and file contents in dataset-files.ts.
import type Database from 'better-sqlite3';
import type { ClassProjectsInfo } from '../../preload/contract.ts';
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
  // Each project's splits over the classes not split per file: more than one is a project that trains and is tested.
  const splitsOfProject = new Map<string, Set<Split>>();
  for (const r of rows) {
    if (r.project === null || splitOf(r.label) === 'file') continue;
    const set = splitsOfProject.get(r.project) ?? new Set<Split>();
    set.add(r.split);
    splitsOfProject.set(r.project, set);
  }
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
      acrossSplits: splitOf(label) === 'file' ? 0 : [...c.sizes.keys()].filter((p) => (splitsOfProject.get(p)?.size ?? 0) > 1).length,
      unnamedFiles: c.unnamed,
      largest,
    };
  });
}

/** A page size as the paged lists accept it: 100 when unset, at most 1,000. */
export function clampLimit(limit: number | undefined): number {
  return Math.max(0, Math.min(limit ?? 100, 1000));
}
