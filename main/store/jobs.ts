// Batch-classification jobs and their per-file results.
import os from 'node:os';
import type Database from 'better-sqlite3';
import type {
  ClassificationBreakdownRow,
  ClassificationJobDetail,
  ClassificationJobSummary,
  ClassificationResultsQuery,
  ClassifiedFileInfo,
  ClassifyPrecision,
} from '../../preload/contract.ts';
import { ensureTallied, tallyBreakdown, tallyResults } from './job-tally.ts';

interface JobRow {
  id: number;
  run_id: number | null;
  run_name: string | null;
  model_path: string;
  root: string;
  status: ClassificationJobSummary['status'];
  files_total: number;
  files_done: number;
  files_skipped: number;
  error: string | null;
  threshold: number;
  started_at: number;
  ended_at: number | null;
  second_run_id: number | null;
  second_run_name: string | null;
  second_model_path: string | null;
  precision: ClassifyPrecision;
}

const SELECT_JOBS = `SELECT j.id, j.run_id, r.name AS run_name, j.model_path, j.root, j.status, j.files_total, j.files_done,
       j.files_skipped, j.error, j.threshold, j.started_at, j.ended_at,
       j.second_run_id, r2.name AS second_run_name, j.second_model_path, j.precision
  FROM classification_jobs j LEFT JOIN runs r ON r.id = j.run_id LEFT JOIN runs r2 ON r2.id = j.second_run_id`;

function toSummary(r: JobRow): ClassificationJobSummary {
  return {
    id: r.id,
    runId: r.run_id,
    runName: r.run_name,
    modelPath: r.model_path,
    root: r.root,
    status: r.status,
    filesTotal: r.files_total,
    filesDone: r.files_done,
    filesSkipped: r.files_skipped,
    error: r.error,
    threshold: r.threshold,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    second: r.second_model_path === null ? null : { runId: r.second_run_id, runName: r.second_run_name, modelPath: r.second_model_path },
    precision: r.precision,
  };
}

/** Batch-classification jobs, newest first. */
export function listJobs(db: Database.Database): ClassificationJobSummary[] {
  return (db.prepare(`${SELECT_JOBS} ORDER BY j.started_at DESC, j.id DESC`).all() as JobRow[]).map(toSummary);
}

/** One job, or null when there is no such id. */
export function getJob(db: Database.Database, id: number): ClassificationJobSummary | null {
  const row = db.prepare(`${SELECT_JOBS} WHERE j.id = ?`).get(id) as JobRow | undefined;
  return row ? toSummary(row) : null;
}

/** The second model of a job comparing two runs, with both models' labels. */
export interface SecondModel {
  runId: number | null;
  modelPath: string;
  labels: { a: readonly string[]; b: readonly string[] };
}

/** A new RUNNING job owned by this process (a crash leaves it for the next start to mark INTERRUPTED). */
export function createJob(
  db: Database.Database,
  job: { runId: number | null; modelPath: string; root: string; threshold?: number; second?: SecondModel; precision?: ClassifyPrecision },
  now = Date.now(),
): number {
  const second = job.second;
  return Number(
    db
      .prepare(
        `INSERT INTO classification_jobs (run_id, model_path, root, status, threshold, started_at, owner_pid, owner_host, second_run_id, second_model_path, compare_labels, precision, tallied)
         VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(
        job.runId, job.modelPath, job.root, job.threshold ?? 0, now, process.pid, os.hostname(),
        second?.runId ?? null, second?.modelPath ?? null, second ? JSON.stringify(second.labels) : null, job.precision ?? 'float32',
      ).lastInsertRowid,
  );
}

/** Stores a job's threshold; false when there is no such job. */
export function setJobThreshold(db: Database.Database, id: number, threshold: number): boolean {
  return db.prepare('UPDATE classification_jobs SET threshold = ? WHERE id = ?').run(threshold, id).changes > 0;
}

/** A file's result as the job writes it (the same shape the page reads). */
export type ClassifiedRow = ClassifiedFileInfo;

/** A file or folder (ending in '/') a job left out, and the walk's or the reader's reason. */
export interface LeftOutRow {
  path: string;
  reason: string;
}

/**
 * Writes one batch of results, their share of the job's tally (job-tally.ts) and the job's counters
 * in one transaction. Each path is stored once per job (the walk yields each file once). `top` is stored as
 * [label, probability] pairs, unlike the { label, probability } objects of run_predictions and
 * evaluation_predictions: the schema has said so since 001_initial and stored rows hold it, so it stays.
 */
export function addResults(
  db: Database.Database,
  id: number,
  rows: readonly ClassifiedRow[],
  counts: { total: number; done: number; skipped: number },
  leftOut: readonly LeftOutRow[] = [],
): void {
  const skip = db.prepare('INSERT OR REPLACE INTO classification_skipped (job_id, path, reason) VALUES (?, ?, ?)');
  const insert = db.prepare(
    `INSERT OR REPLACE INTO classification_results (job_id, path, label, confidence, extension_label, extension_language, size, top, second_label, second_confidence, second_top, agree)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare('UPDATE classification_jobs SET files_total = ?, files_done = ?, files_skipped = ? WHERE id = ?');
  db.transaction(() => {
    for (const r of rows) {
      const b = r.second;
      insert.run(
        id, r.path, r.label, r.confidence, r.extensionLabel, r.extensionLanguage, r.size, topJson(r.top),
        b?.label ?? null, b?.confidence ?? null, b ? topJson(b.top) : null, b && b.agree !== null ? Number(b.agree) : null,
      );
    }
    tallyResults(db, id, rows);
    for (const s of leftOut) skip.run(id, s.path, s.reason);
    update.run(counts.total, counts.done, counts.skipped, id);
  })();
}

const topJson = (top: readonly { label: string; probability: number }[]) => JSON.stringify(top.map((t) => [t.label, t.probability]));

/** One of a job's results by its path, or null when the job classified no such file. */
export function getResult(db: Database.Database, id: number, filePath: string): { path: string; label: string } | null {
  return (db.prepare('SELECT path, label FROM classification_results WHERE job_id = ? AND path = ?').get(id, filePath) as { path: string; label: string } | undefined) ?? null;
}

/** What a job left out, counted by reason (most first). */
export function leftOutReasons(db: Database.Database, id: number): { reason: string; count: number }[] {
  return db
    .prepare('SELECT reason, count(*) AS count FROM classification_skipped WHERE job_id = ? GROUP BY reason ORDER BY count DESC, reason')
    .all(id) as { reason: string; count: number }[];
}

/** One page of the paths a job left out for one reason, sorted. */
export function listLeftOut(db: Database.Database, id: number, reason: string, offset = 0, limit = 100): { total: number; files: string[] } {
  const total = db.prepare('SELECT count(*) FROM classification_skipped WHERE job_id = ? AND reason = ?').pluck().get(id, reason) as number;
  const files = db
    .prepare('SELECT path FROM classification_skipped WHERE job_id = ? AND reason = ? ORDER BY path LIMIT ? OFFSET ?')
    .pluck()
    .all(id, reason, Math.max(1, Math.min(limit, 1000)), Math.max(0, offset)) as string[];
  return { total, files };
}

/** Ends a RUNNING job; a job already ended (by a crash recovery, say) keeps its status. */
export function finishJob(db: Database.Database, id: number, status: 'FINISHED' | 'FAILED' | 'KILLED', error: string | null = null, now = Date.now()): void {
  db.prepare(`UPDATE classification_jobs SET status = ?, error = ?, ended_at = ? WHERE id = ? AND status = 'RUNNING'`).run(status, error, now, id);
}

/** Deletes a job and its results; false when there is no such job. */
export function deleteJob(db: Database.Database, id: number): boolean {
  return db.prepare('DELETE FROM classification_jobs WHERE id = ?').run(id).changes > 0;
}

/**
 * A job with its language breakdown and how often the model disagrees with file extensions at the
 * job's threshold (files below it are unknown, in no language and no disagreement): read from the
 * job's tally, not from every result (job-tally.ts).
 */
export function getJobDetail(db: Database.Database, id: number): ClassificationJobDetail | null {
  const job = getJob(db, id);
  if (!job) return null;
  const at = ensureTallied(db, id) ? tallyBreakdown(db, id, job.threshold) : scanBreakdown(db, id, job.threshold);
  return { ...job, ...at, disagreements: at.breakdown.reduce((n, b) => n + b.disagree, 0), leftOut: leftOutReasons(db, id) };
}

/** The breakdown counted over every stored result (a job still running in a build older than schema 14; and the tally's reference in tests). */
export function scanBreakdown(db: Database.Database, id: number, threshold: number): ReturnType<typeof tallyBreakdown> {
  const breakdown = db
    .prepare(
      `SELECT label, count(*) AS files, sum(size) AS bytes,
              sum(CASE WHEN extension_label IS NOT NULL AND extension_label <> label THEN 1 ELSE 0 END) AS disagree
         FROM classification_results WHERE job_id = ? AND confidence >= ? GROUP BY label ORDER BY files DESC, label`,
    )
    .all(id, threshold) as ClassificationBreakdownRow[];
  const counts = db
    .prepare(
      `SELECT coalesce(sum(CASE WHEN confidence >= ? AND extension_label IS NOT NULL THEN 1 ELSE 0 END), 0) AS withExtensionLabel,
              coalesce(sum(CASE WHEN confidence >= ? AND extension_language IS NOT NULL THEN 1 ELSE 0 END), 0) AS withOtherLanguage,
              coalesce(sum(CASE WHEN confidence < ? THEN 1 ELSE 0 END), 0) AS unknownFiles,
              coalesce(sum(CASE WHEN confidence < ? THEN size ELSE 0 END), 0) AS unknownBytes
         FROM classification_results WHERE job_id = ?`,
    )
    .get(threshold, threshold, threshold, threshold, id) as { withExtensionLabel: number; withOtherLanguage: number; unknownFiles: number; unknownBytes: number };
  return {
    breakdown,
    withExtensionLabel: counts.withExtensionLabel,
    withOtherLanguage: counts.withOtherLanguage,
    unknown: { files: counts.unknownFiles, bytes: counts.unknownBytes },
  };
}

export interface ResultRow {
  path: string;
  label: string;
  confidence: number;
  extension_label: string | null;
  extension_language: string | null;
  size: number;
  top: string;
  second_label: string | null;
  second_confidence: number | null;
  second_top: string | null;
  agree: number | null;
}

/** The columns `toFileInfo` reads. */
export const RESULT_COLUMNS = 'path, label, confidence, extension_label, extension_language, size, top, second_label, second_confidence, second_top, agree';

const parseTop = (json: string) => (JSON.parse(json) as [string, number][]).map(([label, probability]) => ({ label, probability }));

/** A stored result row as the page reads it (the two-model reads share it). */
export function toFileInfo(r: ResultRow): ClassifiedFileInfo {
  const info: ClassifiedFileInfo = {
    path: r.path,
    label: r.label,
    confidence: r.confidence,
    extensionLabel: r.extension_label,
    extensionLanguage: r.extension_language,
    size: r.size,
    top: parseTop(r.top),
  };
  if (r.second_label !== null && r.second_top !== null) {
    info.second = { label: r.second_label, confidence: r.second_confidence ?? 0, top: parseTop(r.second_top), agree: r.agree === null ? null : r.agree === 1 };
  }
  return info;
}

/**
 * One page of a job's results, optionally of one predicted label (at or above the job's threshold),
 * of the unknown files (below it) and/or only disagreements: counted, ordered and cut in SQL, so a
 * job of 100,000 files is never read whole. Pages after a cursor (`after`) cost the same at any depth.
 */
export function listResults(db: Database.Database, query: ClassificationResultsQuery): { total: number; files: ClassifiedFileInfo[] } {
  const threshold = (db.prepare('SELECT threshold FROM classification_jobs WHERE id = ?').pluck().get(query.id) as number | undefined) ?? 0;
  const where = ['job_id = ?'];
  const params: (string | number)[] = [query.id];
  if (query.label !== undefined) {
    where.push('label = ? AND confidence >= ?');
    params.push(query.label, threshold);
  }
  if (query.unknown) {
    where.push('confidence < ?');
    params.push(threshold);
  }
  if (query.disagreeing) {
    // As the breakdown counts them: a file below the threshold disagrees with nothing.
    where.push('extension_label IS NOT NULL AND extension_label <> label AND confidence >= ?');
    params.push(threshold);
  }
  const clause = where.join(' AND ');
  const total = tallyTotal(db, query, threshold) ?? (db.prepare(`SELECT count(*) FROM classification_results WHERE ${clause}`).pluck().get(...params) as number);
  const byConfidence = query.sort === 'confidence';
  const order = byConfidence ? 'confidence ASC, path' : 'path';
  const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
  // After a cursor, the store keeps the best `limit` rows it scans (the primary key gives path
  // order at once); an offset would make it keep and skip every row before the page too.
  const { after } = query;
  const page = after ? (byConfidence ? ['(confidence, path) > (?, ?)', after.confidence, after.path] : ['path > ?', after.path]) : null;
  const rows = db
    .prepare(
      `SELECT ${RESULT_COLUMNS} FROM classification_results
        WHERE ${clause}${page ? ` AND ${page[0]}` : ''} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...params, ...(page ? page.slice(1) : []), limit, page ? 0 : Math.max(0, query.offset ?? 0)) as ResultRow[];
  return { total, files: rows.map(toFileInfo) };
}

/** How many results a query's filters keep, from the job's tally rather than a count of its rows; null when the job has no tally yet. */
function tallyTotal(db: Database.Database, query: ClassificationResultsQuery, threshold: number): number | null {
  if (!ensureTallied(db, query.id)) return null;
  // A file below the threshold has no language and disagrees with nothing.
  if (query.unknown && (query.label !== undefined || query.disagreeing)) return 0;
  const at = tallyBreakdown(db, query.id, threshold);
  if (query.unknown) return at.unknown.files;
  if (query.label !== undefined) {
    const row = at.breakdown.find((b) => b.label === query.label);
    return row ? (query.disagreeing ? row.disagree : row.files) : 0;
  }
  if (query.disagreeing) return at.breakdown.reduce((n, b) => n + b.disagree, 0);
  return at.breakdown.reduce((n, b) => n + b.files, 0) + at.unknown.files;
}

/** Every result of a job by path, read row by row (an export of 100,000 files never holds them all). */
export function* eachResult(db: Database.Database, id: number): Generator<ClassifiedFileInfo> {
  const rows = db.prepare(`SELECT ${RESULT_COLUMNS} FROM classification_results WHERE job_id = ? ORDER BY path`).iterate(id);
  for (const r of rows as IterableIterator<ResultRow>) yield toFileInfo(r);
}
