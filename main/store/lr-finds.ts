// Learning-rate finder runs: a range test is recorded RUNNING before its first step, its curve is
// written point by point, and it ends with a status and the two suggestions. Nothing else is kept
// (no checkpoint, no metric history): the curve is the whole result.
import type Database from 'better-sqlite3';
import os from 'node:os';
import type { Hyperparameters, LrFindPoint, LrFindResult, LrFindStatus, LrFindSummary, ModelSpec } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';

export interface NewLrFind {
  datasetId: number;
  datasetName: string;
  model: ModelSpec;
  hyperparameters: Hyperparameters;
  minLr: number;
  maxLr: number;
  steps: number;
}

/** How a finder run ended: its status, the curve it measured, the suggestions read off it, and why when it failed. */
export interface LrFindEnd {
  status: Exclude<LrFindStatus, 'RUNNING'>;
  /** The whole curve, replacing the points written so far; omitted to keep those (a failure). */
  points?: LrFindPoint[];
  stoppedBy?: 'diverged' | null;
  steepest?: number | null;
  minOver10?: number | null;
  suggested?: number | null;
  error?: string | null;
}

interface LrFindRow {
  id: number;
  status: LrFindStatus;
  dataset_id: number | null;
  dataset_name: string;
  model: string;
  hyperparameters: string;
  min_lr: number;
  max_lr: number;
  steps: number;
  stopped_by: 'diverged' | null;
  steepest: number | null;
  min_over_10: number | null;
  suggested: number | null;
  started_at: number;
  ended_at: number | null;
  error: string | null;
  steps_run: number;
}

const SELECT = `SELECT f.*, (SELECT COUNT(*) FROM lr_find_points p WHERE p.lr_find_id = f.id) AS steps_run FROM lr_finds f`;

/** Records a RUNNING finder run owned by this process; returns its id. */
export function createLrFind(db: Database.Database, f: NewLrFind, now = Date.now()): number {
  return Number(
    db
      .prepare(
        `INSERT INTO lr_finds (status, dataset_id, dataset_name, model, hyperparameters, min_lr, max_lr, steps, started_at, owner_pid, owner_host)
         VALUES ('RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(f.datasetId, f.datasetName, JSON.stringify(f.model), JSON.stringify(f.hyperparameters), f.minLr, f.maxLr, f.steps, now, process.pid, os.hostname())
      .lastInsertRowid,
  );
}

/** One measured step of a running finder (step 1, 2, 3 ...), written as it comes so a crash keeps it. */
export function addLrFindPoint(db: Database.Database, id: number, step: number, p: LrFindPoint): void {
  db.prepare('INSERT OR REPLACE INTO lr_find_points (lr_find_id, step, lr, loss, smoothed) VALUES (?, ?, ?, ?, ?)').run(id, step, p.lr, p.loss, p.smoothed);
}

/** Ends a finder run: its status, suggestions and (when given) the whole curve, in one transaction. */
export function endLrFind(db: Database.Database, id: number, end: LrFindEnd, now = Date.now()): void {
  db.transaction(() => {
    if (end.points) {
      db.prepare('DELETE FROM lr_find_points WHERE lr_find_id = ?').run(id);
      end.points.forEach((p, i) => addLrFindPoint(db, id, i + 1, p));
    }
    db.prepare('UPDATE lr_finds SET status = ?, stopped_by = ?, steepest = ?, min_over_10 = ?, suggested = ?, error = ?, ended_at = ? WHERE id = ?').run(
      end.status,
      end.stoppedBy ?? null,
      end.steepest ?? null,
      end.minOver10 ?? null,
      end.suggested ?? null,
      end.error ?? null,
      now,
      id,
    );
  })();
}

/** The app is closing: this process's running finder runs end INTERRUPTED (their worker is being stopped); returns how many. */
export function interruptOwnLrFinds(db: Database.Database, now = Date.now()): number {
  return db
    .prepare(`UPDATE lr_finds SET status = 'INTERRUPTED', ended_at = ?, error = ? WHERE status = 'RUNNING' AND owner_pid = ? AND owner_host = ?`)
    .run(now, 'Langlab closed while the finder was running; run it again.', process.pid, os.hostname()).changes;
}

/** Finder runs newest first (of one dataset when given), at most `limit`, and how many there are in all. */
export function listLrFinds(db: Database.Database, opts: { datasetId?: number; limit?: number } = {}): { total: number; items: LrFindSummary[] } {
  const where = opts.datasetId === undefined ? '' : 'WHERE f.dataset_id = ?';
  const params = opts.datasetId === undefined ? [] : [opts.datasetId];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM lr_finds f ${where}`).get(...params) as { n: number }).n;
  const rows = db.prepare(`${SELECT} ${where} ORDER BY f.started_at DESC, f.id DESC LIMIT ?`).all(...params, opts.limit ?? 20) as LrFindRow[];
  return { total, items: rows.map(summaryOf) };
}

/** One finder run with its curve. */
export function getLrFind(db: Database.Database, id: number): LrFindResult {
  const row = db.prepare(`${SELECT} WHERE f.id = ?`).get(id) as LrFindRow | undefined;
  if (!row) throw new LanglabError('NOT_FOUND', `There is no learning-rate finder run ${id} in the store. Past finder runs are listed on the New Run page; run the finder again.`);
  const points = db.prepare('SELECT lr, loss, smoothed FROM lr_find_points WHERE lr_find_id = ? ORDER BY step').all(id) as LrFindPoint[];
  return {
    ...summaryOf(row),
    hyperparameters: JSON.parse(row.hyperparameters) as Hyperparameters,
    points,
    steepest: row.steepest,
    minOver10: row.min_over_10,
  };
}

/** Deletes a finder run and its curve; one still running is refused. */
export function deleteLrFind(db: Database.Database, id: number): void {
  const row = db.prepare('SELECT status FROM lr_finds WHERE id = ?').get(id) as { status: LrFindStatus } | undefined;
  if (!row) throw new LanglabError('NOT_FOUND', `There is no learning-rate finder run ${id} in the store.`);
  if (row.status === 'RUNNING') throw new LanglabError('INVALID_ARGUMENT', `Learning-rate finder run ${id} is still running: cancel it first, then delete it.`);
  db.prepare('DELETE FROM lr_finds WHERE id = ?').run(id);
}

function summaryOf(r: LrFindRow): LrFindSummary {
  return {
    id: r.id,
    status: r.status,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    model: JSON.parse(r.model) as ModelSpec,
    minLr: r.min_lr,
    maxLr: r.max_lr,
    steps: r.steps,
    stepsRun: r.steps_run,
    stoppedBy: r.stopped_by,
    suggested: r.suggested,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    error: r.error,
  };
}
