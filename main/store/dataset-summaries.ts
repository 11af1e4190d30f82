import type Database from 'better-sqlite3';
import type { ClassCount, DatasetSourceKind, DatasetSummary, SplitCounts } from '../../preload/contract.ts';

interface DatasetRow {
  id: number;
  name: string;
  source_kind: DatasetSourceKind;
  source: string;
  fingerprint: string;
  class_counts: string;
  split_counts: string;
  created_at: number;
}

/** Every saved dataset, newest first, in the shape list views need. */
export function listDatasetSummaries(db: Database.Database): DatasetSummary[] {
  const rows = db.prepare('SELECT * FROM datasets ORDER BY created_at DESC, id DESC').all() as DatasetRow[];
  return rows.map(toSummary);
}

export function toSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    sourceKind: row.source_kind,
    source: describeSource(row.source),
    fingerprint: row.fingerprint,
    classes: JSON.parse(row.class_counts) as ClassCount[],
    splits: JSON.parse(row.split_counts) as SplitCounts,
    createdAt: row.created_at,
  };
}

function describeSource(source: string): string {
  try {
    const parsed = JSON.parse(source) as { path?: string; paths?: string[] } | string;
    if (typeof parsed === 'string') return parsed;
    if (parsed.paths) return parsed.paths.join(', ');
    if (parsed.path) return parsed.path;
  } catch {
    // Not JSON: show it as it is.
  }
  return source;
}
