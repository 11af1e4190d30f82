// A saved dataset's files: the paged list, one file's row, sizes for statistics, and the text
// itself (from the table row, or from its folder checked against the saved hash).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { DatasetFileInfo } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { sha256Hex } from '../data/fingerprint.ts';
import type { Split } from '../data/types.ts';
import { rootsOf } from './dataset-summaries.ts';
import { clampLimit } from './datasets.ts';

/** One row of a dataset's file list, as a paged browser shows it, plus which root it is under. */
export interface DatasetFileRow extends DatasetFileInfo {
  root: number;
}

export interface DatasetFilesPage {
  total: number;
  files: DatasetFileRow[];
}

/** One page of a dataset's files, optionally of one class and/or split and/or with a path containing some text, in dataset order. */
export function listDatasetFiles(
  db: Database.Database,
  id: number,
  query: { label?: string; split?: Split; path?: string; offset?: number; limit?: number } = {},
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
  if (query.path !== undefined) {
    // instr, not LIKE: a typed % or _ is matched as itself.
    where.push('instr(lower(path), lower(?)) > 0');
    params.push(query.path);
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

/** One file of a dataset by its index, or null when the dataset has no such file. */
export function getDatasetFile(db: Database.Database, id: number, index: number): DatasetFileRow | null {
  const row = db.prepare('SELECT idx, root, path, label, split, size, sha256 FROM dataset_files WHERE dataset_id = ? AND idx = ?').get(id, index) as
    | (Omit<DatasetFileRow, 'index'> & { idx: number })
    | undefined;
  if (!row) return null;
  const { idx, ...rest } = row;
  return { index: idx, ...rest };
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
