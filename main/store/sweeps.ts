// Sweeps and their trials: a sweep is recorded with every trial's values before its first run, so
// the queue survives a crash; each trial is claimed by the run it starts, and a cancel drops the
// ones not started. Reading a sweep joins its trials' runs for their status and the sweep's metric.
import type Database from 'better-sqlite3';
import os from 'node:os';
import type { Hyperparameters, RunStatus, SweepDefinition, SweepDetail, SweepMetric, SweepStatus, SweepSummary, SweepTrial } from '../../preload/contract.ts';
import { betterThan } from '../../preload/sweep-space.ts';
import { LanglabError } from '../errors.ts';
import { testSummaries } from './evaluations.ts';

export interface NewSweep {
  name: string;
  datasetId: number;
  definition: SweepDefinition;
  trials: Partial<Hyperparameters>[];
}

interface SweepRow {
  id: number;
  name: string;
  status: SweepStatus;
  dataset_id: number | null;
  dataset_name: string | null;
  definition: string;
  metric: SweepMetric;
  created_at: number;
  ended_at: number | null;
  error: string | null;
}

interface TrialRow {
  sweep_id: number;
  idx: number;
  params: string;
  state: 'pending' | 'started' | 'dropped' | 'failed';
  run_id: number | null;
  error: string | null;
  run_status: RunStatus | null;
}

const SWEEP_SELECT = `SELECT s.id, s.name, s.status, s.dataset_id, d.name AS dataset_name, s.definition, s.metric, s.created_at, s.ended_at, s.error
  FROM sweeps s LEFT JOIN datasets d ON d.id = s.dataset_id`;

/** Records a RUNNING sweep owned by this process with all its trials pending; returns its id. */
export function createSweep(db: Database.Database, sweep: NewSweep, now = Date.now()): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(`INSERT INTO sweeps (name, status, dataset_id, definition, metric, created_at, owner_pid, owner_host) VALUES (?, 'RUNNING', ?, ?, ?, ?, ?, ?)`)
        .run(sweep.name, sweep.datasetId, JSON.stringify(sweep.definition), sweep.definition.metric, now, process.pid, os.hostname()).lastInsertRowid,
    );
    const insert = db.prepare(`INSERT INTO sweep_trials (sweep_id, idx, params, state) VALUES (?, ?, ?, 'pending')`);
    sweep.trials.forEach((t, i) => insert.run(id, i + 1, JSON.stringify(t)));
    return id;
  })();
}

/** Takes a KILLED or INTERRUPTED sweep back into this process: RUNNING again, its dropped trials pending again. */
export function claimSweep(db: Database.Database, id: number): void {
  db.transaction(() => {
    const changed = db
      .prepare(`UPDATE sweeps SET status = 'RUNNING', ended_at = NULL, error = NULL, owner_pid = ?, owner_host = ? WHERE id = ? AND status IN ('KILLED', 'INTERRUPTED')`)
      .run(process.pid, os.hostname(), id).changes;
    if (changed === 0) throw new LanglabError('INVALID_ARGUMENT', `Sweep ${id} is not KILLED or INTERRUPTED, so it cannot be resumed.`);
    db.prepare(`UPDATE sweep_trials SET state = 'pending' WHERE sweep_id = ? AND state = 'dropped'`).run(id);
  })();
}

/** Ends a sweep with a status (and, for one that stopped on a problem, why). */
export function setSweepStatus(db: Database.Database, id: number, status: SweepStatus, error: string | null = null, now = Date.now()): void {
  db.prepare('UPDATE sweeps SET status = ?, ended_at = ?, error = ? WHERE id = ?').run(status, status === 'RUNNING' ? null : now, error, id);
}

/** The first trial not yet started, or null when none is left. */
export function nextPendingTrial(db: Database.Database, sweepId: number): { index: number; params: Partial<Hyperparameters> } | null {
  const row = db.prepare(`SELECT idx, params FROM sweep_trials WHERE sweep_id = ? AND state = 'pending' ORDER BY idx LIMIT 1`).get(sweepId) as
    | { idx: number; params: string }
    | undefined;
  return row ? { index: row.idx, params: JSON.parse(row.params) as Partial<Hyperparameters> } : null;
}

/** The trial's run exists: the run's own status tells the rest. */
export function setTrialRun(db: Database.Database, sweepId: number, index: number, runId: number): void {
  db.prepare(`UPDATE sweep_trials SET state = 'started', run_id = ?, error = NULL WHERE sweep_id = ? AND idx = ?`).run(runId, sweepId, index);
}

/** The trial's run could not start (a refused combination, a dataset gone); the sweep goes on. */
export function setTrialFailed(db: Database.Database, sweepId: number, index: number, error: string): void {
  db.prepare(`UPDATE sweep_trials SET state = 'failed', error = ? WHERE sweep_id = ? AND idx = ?`).run(error, sweepId, index);
}

/** A cancelled sweep's trials not yet started are dropped; returns how many. */
export function dropPendingTrials(db: Database.Database, sweepId: number): number {
  return db.prepare(`UPDATE sweep_trials SET state = 'dropped' WHERE sweep_id = ? AND state = 'pending'`).run(sweepId).changes;
}

/** Every sweep, newest first. */
export function listSweeps(db: Database.Database): SweepSummary[] {
  const rows = db.prepare(`${SWEEP_SELECT} ORDER BY s.created_at DESC, s.id DESC`).all() as SweepRow[];
  return rows.map((r) => {
    const { definition: _d, trials: _t, ...summary } = detailOf(db, r);
    return summary;
  });
}

/** One sweep with its definition and every trial's status and metric. */
export function getSweep(db: Database.Database, id: number): SweepDetail {
  const row = db.prepare(`${SWEEP_SELECT} WHERE s.id = ?`).get(id) as SweepRow | undefined;
  if (!row) throw new LanglabError('NOT_FOUND', `There is no sweep ${id} in the store. List them with \`langlab sweeps\` or on the Sweeps page.`);
  return detailOf(db, row);
}

function detailOf(db: Database.Database, row: SweepRow): SweepDetail {
  const trialRows = db
    .prepare(`SELECT t.*, r.status AS run_status FROM sweep_trials t LEFT JOIN runs r ON r.id = t.run_id WHERE t.sweep_id = ? ORDER BY t.idx`)
    .all(row.id) as TrialRow[];
  const metrics = trialMetrics(db, row.metric, trialRows.flatMap((t) => (t.run_id === null ? [] : [t.run_id])));
  const trials: SweepTrial[] = trialRows.map((t) => ({
    index: t.idx,
    params: JSON.parse(t.params) as Partial<Hyperparameters>,
    status: t.state === 'pending' ? 'PENDING' : t.state === 'dropped' ? 'DROPPED' : t.state === 'failed' ? 'START_FAILED' : (t.run_status ?? 'FAILED'),
    runId: t.run_id,
    metric: t.run_id === null ? null : (metrics.get(t.run_id) ?? null),
    error: t.state === 'started' && t.run_id === null ? 'Its run was deleted.' : t.error,
  }));
  let best: SweepSummary['best'] = null;
  for (const t of trials) {
    if (t.status !== 'FINISHED' || t.metric === null || t.runId === null) continue;
    if (!best || betterThan(row.metric, t.metric, best.metric)) best = { index: t.index, runId: t.runId, metric: t.metric };
  }
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    metric: row.metric,
    trialsTotal: trials.length,
    trialsDone: trials.filter((t) => t.status !== 'PENDING' && t.status !== 'DROPPED' && t.status !== 'RUNNING').length,
    best,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    error: row.error,
    definition: JSON.parse(row.definition) as SweepDefinition,
    trials,
  };
}

/** The sweep's metric of each run: the best validation figures the run recorded, or its test evaluation. */
function trialMetrics(db: Database.Database, metric: SweepMetric, runIds: number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (runIds.length === 0) return out;
  if (metric === 'test_accuracy' || metric === 'test_macro_f1') {
    for (const [id, t] of testSummaries(db, runIds)) out.set(id, metric === 'test_accuracy' ? t.accuracy : t.macroF1);
    return out;
  }
  const key = metric === 'val_loss' ? 'best_val_loss' : 'best_val_accuracy';
  const rows = db
    .prepare(`SELECT run_id, value FROM latest_metrics WHERE key = ? AND value IS NOT NULL AND run_id IN (${runIds.map(() => '?').join(',')})`)
    .all(key, ...runIds) as { run_id: number; value: number }[];
  for (const r of rows) out.set(r.run_id, r.value);
  return out;
}
