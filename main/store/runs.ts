// Runs and their lifecycle: created RUNNING and owned by a process, claimed again on resume,
// ended with a status, listed, annotated (note, tags) and deleted whole. Params are written once.
import type Database from 'better-sqlite3';
import os from 'node:os';
import type { ModelKind, PredictionRow, RunDetail, RunsPage, RunsQuery, RunStatus, RunSummary } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { listArtifacts } from './artifacts.ts';
import { listEvaluations, replaceRunEvaluation, testSummaries, type NewEvaluation } from './evaluations.ts';
import { logMetrics, type MetricRecord } from './metrics.ts';
import { savePredictions } from './run-predictions.ts';

/** Hyperparameters shown in the runs list next to each run. */
export const KEY_PARAMS = ['learning_rate', 'batch_size', 'epochs', 'max_length'] as const;

export interface NewRun {
  name: string;
  datasetId: number | null;
  modelKind: ModelKind;
  modelSource?: string;
  provider?: string;
  params: Record<string, unknown>;
  tags?: string[];
  startTime?: number;
}

interface RunRow {
  id: number;
  name: string;
  status: RunStatus;
  dataset_id: number | null;
  dataset_name: string | null;
  model_kind: ModelKind;
  model_source: string;
  provider: string;
  provider_used: string | null;
  provider_warning: string | null;
  start_time: number;
  end_time: number | null;
  error: string | null;
  note: string;
  tags: string | null;
}

const RUN_SELECT = `
  SELECT r.id, r.name, r.status, r.dataset_id, d.name AS dataset_name, r.model_kind, r.model_source,
         r.provider, r.provider_used, r.provider_warning, r.start_time, r.end_time, r.error, r.note,
         (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags t WHERE t.run_id = r.id ORDER BY tag)) AS tags
  FROM runs r LEFT JOIN datasets d ON d.id = r.dataset_id`;

/** Records a new RUNNING run owned by this process, with its immutable params and its tags. */
export function createRun(db: Database.Database, run: NewRun): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO runs (name, status, dataset_id, model_kind, model_source, provider, start_time, owner_pid, owner_host)
           VALUES (?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(run.name, run.datasetId, run.modelKind, run.modelSource ?? '', run.provider ?? 'cpu', run.startTime ?? Date.now(), process.pid, os.hostname())
        .lastInsertRowid,
    );
    const insertParam = db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of Object.entries(run.params)) insertParam.run(id, key, JSON.stringify(value ?? null));
    writeTags(db, id, run.tags ?? []);
    return id;
  })();
}

/** Ends a run (or records a status change) with an optional error for FAILED runs. */
export function setRunStatus(db: Database.Database, id: number, status: RunStatus, error?: string, now = Date.now()): void {
  const ended = status === 'RUNNING' ? null : now;
  const info = db.prepare('UPDATE runs SET status = ?, end_time = ?, error = ? WHERE id = ?').run(status, ended, error ?? null, id);
  if (info.changes === 0) throw notFound(id);
}

/**
 * Records the provider a run's engine actually started on and, when it is not the one asked for,
 * why (the CPU fallback's reason). Written each time the engine starts, so a resume says where it runs now.
 */
export function setRunProviderUsed(db: Database.Database, id: number, provider: string, warning: string | null): void {
  const info = db.prepare('UPDATE runs SET provider_used = ?, provider_warning = ? WHERE id = ?').run(provider, warning, id);
  if (info.changes === 0) throw notFound(id);
}

/** Marks a run as trained by this process (a start or a resume), with its folder relative to the data folder. */
export function claimRun(db: Database.Database, runId: number, artifactDir: string): void {
  db.prepare(`UPDATE runs SET status = 'RUNNING', end_time = NULL, error = NULL, owner_pid = ?, owner_host = ?, artifact_dir = ? WHERE id = ?`).run(
    process.pid,
    os.hostname(),
    artifactDir,
    runId,
  );
}

/** Status, folder and owner of a run, or null when there is no such run. */
export function runOwnership(db: Database.Database, runId: number): { status: RunStatus; artifactDir: string | null; ownerPid: number | null } | null {
  const row = db.prepare('SELECT status, artifact_dir, owner_pid FROM runs WHERE id = ?').get(runId) as
    | { status: RunStatus; artifact_dir: string | null; owner_pid: number | null }
    | undefined;
  return row ? { status: row.status, artifactDir: row.artifact_dir, ownerPid: row.owner_pid } : null;
}

/** What the end of a run records; a run that did not finish has no evaluation and no predictions. */
export interface RunResults {
  evaluation: NewEvaluation | null;
  predictions: PredictionRow[] | null;
  /** Summary metrics (best validation loss, wall time ...). */
  metrics: MetricRecord[];
}

/** Writes a run's results in one transaction, replacing those of an earlier end (a resumed run). */
export function saveRunResults(db: Database.Database, runId: number, results: RunResults): void {
  db.transaction(() => {
    if (results.evaluation) replaceRunEvaluation(db, runId, results.evaluation);
    if (results.predictions) savePredictions(db, runId, results.predictions);
    logMetrics(db, runId, results.metrics);
  })();
}

/** Lists runs newest first, filtered by text, tag and status, one page at a time. */
export function listRuns(db: Database.Database, query: RunsQuery = {}): RunsPage {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.status) {
    where.push('r.status = ?');
    params.push(query.status);
  }
  if (query.tag) {
    where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?)');
    params.push(query.tag);
  }
  const text = query.text?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    where.push(
      `(r.name LIKE ? ESCAPE '\\' OR d.name LIKE ? ESCAPE '\\' OR r.model_source LIKE ? ESCAPE '\\' OR r.model_kind LIKE ? ESCAPE '\\'
        OR r.note LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag LIKE ? ESCAPE '\\'))`,
    );
    params.push(like, like, like, like, like, like);
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT count(*) AS n FROM runs r LEFT JOIN datasets d ON d.id = r.dataset_id ${whereSql}`).get(...params) as { n: number }).n;
  const limit = query.limit ?? 500;
  const offset = query.offset ?? 0;
  const rows = db.prepare(`${RUN_SELECT} ${whereSql} ORDER BY r.start_time DESC, r.id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as RunRow[];
  return { runs: summarise(db, rows), total };
}

/** One run with everything the run page shows. */
export function getRun(db: Database.Database, id: number): RunDetail {
  const row = db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
  if (!row) throw notFound(id);
  const [summary] = summarise(db, [row]);
  const params = Object.fromEntries(
    (db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(id) as { key: string; value: string }[]).map((p) => [
      p.key,
      JSON.parse(p.value) as unknown,
    ]),
  );
  return { ...summary, params, artifacts: listArtifacts(db, id), evaluations: listEvaluations(db, id) };
}

/** Every parameter of these runs, by run id, read in chunks so any number of runs can be asked for. */
export function paramsOfRuns(db: Database.Database, runIds: readonly number[]): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  for (let i = 0; i < runIds.length; i += 500) {
    const chunk = runIds.slice(i, i + 500);
    const rows = db.prepare(`SELECT run_id, key, value FROM params WHERE run_id IN (${chunk.map(() => '?').join(',')}) ORDER BY run_id, key`).all(...chunk) as {
      run_id: number;
      key: string;
      value: string;
    }[];
    for (const r of rows) {
      const params = out.get(r.run_id) ?? {};
      params[r.key] = JSON.parse(r.value) as unknown;
      out.set(r.run_id, params);
    }
  }
  return out;
}

export function setRunNote(db: Database.Database, id: number, note: string): void {
  if (db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(note, id).changes === 0) throw notFound(id);
}

/** Replaces a run's tags; tags are trimmed, de-duplicated and never empty. */
export function setRunTags(db: Database.Database, id: number, tags: string[]): void {
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) throw notFound(id);
    db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(id);
    writeTags(db, id, tags);
  })();
}

/** Every tag in use, for the tag filter. */
export function allTags(db: Database.Database): string[] {
  return (db.prepare('SELECT DISTINCT tag FROM run_tags ORDER BY tag').all() as { tag: string }[]).map((r) => r.tag);
}

/** Deletes a run and everything that hangs off it (metrics, params, tags, logs, predictions ...). */
export function deleteRunRows(db: Database.Database, runId: number): boolean {
  return db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
}

function writeTags(db: Database.Database, id: number, tags: string[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
  for (const tag of tags.map((t) => t.trim()).filter(Boolean)) insert.run(id, tag);
}

function summarise(db: Database.Database, rows: RunRow[]): RunSummary[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const marks = ids.map(() => '?').join(',');
  const latest = new Map<number, Record<string, number | null>>();
  for (const m of db.prepare(`SELECT run_id, key, value FROM latest_metrics WHERE run_id IN (${marks})`).all(...ids) as {
    run_id: number;
    key: string;
    value: number | null;
  }[]) {
    const entry = latest.get(m.run_id) ?? {};
    entry[m.key] = m.value;
    latest.set(m.run_id, entry);
  }
  const keyParams = new Map<number, RunSummary['keyParams']>();
  const keyMarks = KEY_PARAMS.map(() => '?').join(',');
  for (const p of db.prepare(`SELECT run_id, key, value FROM params WHERE run_id IN (${marks}) AND key IN (${keyMarks})`).all(...ids, ...KEY_PARAMS) as {
    run_id: number;
    key: string;
    value: string;
  }[]) {
    const entry = keyParams.get(p.run_id) ?? {};
    entry[p.key] = JSON.parse(p.value) as string | number | boolean | null;
    keyParams.set(p.run_id, entry);
  }
  const tests = testSummaries(db, ids);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    modelKind: r.model_kind,
    modelSource: r.model_source,
    provider: r.provider,
    providerUsed: r.provider_used,
    providerWarning: r.provider_warning,
    startTime: r.start_time,
    endTime: r.end_time,
    error: r.error,
    note: r.note,
    tags: r.tags ? (JSON.parse(r.tags) as string[]) : [],
    keyParams: keyParams.get(r.id) ?? {},
    latest: latest.get(r.id) ?? {},
    test: tests.get(r.id) ?? null,
  }));
}

function notFound(id: number): LanglabError {
  return new LanglabError('NOT_FOUND', `There is no run ${id} in the store. It may have been deleted; reload the runs list.`);
}
