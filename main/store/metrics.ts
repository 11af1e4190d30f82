// Metric history: every point a run logged (run, key, step, epoch, timestamp, value), and the
// latest value of each key kept beside it for fast listing and sorting, as MLflow keeps them.
import type Database from 'better-sqlite3';
import type { MetricSeries, ModelKind } from '../../preload/contract.ts';

/** One metric point as a run logs it; the time defaults to now. */
export interface MetricRecord {
  key: string;
  step: number;
  epoch?: number | null;
  timestamp?: number;
  value: number;
}

/**
 * Appends metric points in one transaction and keeps latest_metrics at the highest step seen.
 * NaN and infinities are stored as NULL (SQLite has no NaN) so they still show up as gaps.
 */
export function logMetrics(db: Database.Database, runId: number, points: MetricRecord[]): void {
  if (points.length === 0) return;
  const insert = db.prepare('INSERT INTO metrics (run_id, key, step, epoch, timestamp, value) VALUES (?, ?, ?, ?, ?, ?)');
  const latest = db.prepare(
    `INSERT INTO latest_metrics (run_id, key, step, epoch, timestamp, value) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, epoch = excluded.epoch,
       timestamp = excluded.timestamp, value = excluded.value
     WHERE excluded.step >= latest_metrics.step`,
  );
  db.transaction(() => {
    for (const p of points) {
      const value = Number.isFinite(p.value) ? p.value : null;
      const row = [runId, p.key, p.step, p.epoch ?? null, p.timestamp ?? Date.now(), value] as const;
      insert.run(...row);
      latest.run(...row);
    }
  })();
}

/** A run's latest value of one metric, or null when it has none. */
export function latestMetric(db: Database.Database, runId: number, key: string): number | null {
  return (db.prepare('SELECT value FROM latest_metrics WHERE run_id = ? AND key = ?').pluck().get(runId, key) as number | null | undefined) ?? null;
}

/** How many metric points a run has stored (every key, every step). */
export function metricPointCount(db: Database.Database, runId: number): number {
  return db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(runId) as number;
}

/** Metric history of several runs, for overlaid curves. */
export function getMetricSeries(db: Database.Database, runIds: number[], keys?: string[]): MetricSeries[] {
  const series = new Map<string, MetricSeries>();
  const stmt = db.prepare('SELECT key, step, epoch, timestamp, value FROM metrics WHERE run_id = ? ORDER BY key, step, timestamp');
  for (const runId of runIds) {
    for (const row of stmt.iterate(runId) as Iterable<{ key: string; step: number; epoch: number | null; timestamp: number; value: number | null }>) {
      if (keys && !keys.includes(row.key)) continue;
      const id = `${runId}\u0000${row.key}`;
      let s = series.get(id);
      if (!s) series.set(id, (s = { runId, key: row.key, points: [] }));
      s.points.push({ step: row.step, epoch: row.epoch, timestamp: row.timestamp, value: row.value });
    }
  }
  return [...series.values()];
}

/** What decides how fast a training step is, for finding an earlier run of the same shape. */
export interface RunShape {
  modelKind: ModelKind;
  modelSource: string;
  provider: string;
  /** The machine it ran on (runs record their owner's host name). */
  host: string;
  /** Hyperparameters the run must have had, each equal to this value. */
  params: Record<string, unknown>;
}

/** What an earlier run of a shape measured: its whole-run seconds and steps, and its training throughput. */
export interface MeasuredRun {
  runId: number;
  /** Its batch_size and gradient_accumulation_steps params (files per optimizer step = their product). */
  batchSize: number;
  accumulation: number;
  /** run_seconds (every session, preparing and testing included) and the step it was logged at; null when the run never ended. */
  runSeconds: number | null;
  steps: number | null;
  /** The median samples_per_s it logged while training; null when it logged none. */
  samplesPerSecond: number | null;
}

/** The latest runs of this shape that measured anything (newest first, at most `limit`). */
export function measuredRuns(db: Database.Database, shape: RunShape, limit = 20): MeasuredRun[] {
  const keys = Object.keys(shape.params);
  const where = keys.map(() => `EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ? AND p.value = ?)`).join(' AND ') || '1';
  const args = keys.flatMap((k) => [k, JSON.stringify(shape.params[k])]);
  const ids = db
    .prepare(
      `SELECT r.id FROM runs r WHERE r.model_kind = ? AND r.model_source = ? AND r.provider = ? AND r.owner_host = ? AND ${where}
         AND EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.id AND m.key IN ('samples_per_s', 'run_seconds'))
       ORDER BY r.start_time DESC, r.id DESC LIMIT ?`,
    )
    .pluck()
    .all(shape.modelKind, shape.modelSource, shape.provider, shape.host, ...args, limit) as number[];
  const param = db.prepare(`SELECT value FROM params WHERE run_id = ? AND key = ?`).pluck();
  const seconds = db.prepare(`SELECT value, step FROM latest_metrics WHERE run_id = ? AND key = 'run_seconds'`);
  const rates = db.prepare(`SELECT value FROM metrics WHERE run_id = ? AND key = 'samples_per_s' AND value > 0 ORDER BY value`).pluck();
  const numberParam = (runId: number, key: string, fallback: number) => {
    const raw = param.get(runId, key) as string | undefined;
    const value = raw === undefined ? NaN : Number(JSON.parse(raw));
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return ids.map((runId) => {
    const wall = seconds.get(runId) as { value: number | null; step: number } | undefined;
    const values = rates.all(runId) as number[];
    return {
      runId,
      batchSize: numberParam(runId, 'batch_size', 1),
      accumulation: numberParam(runId, 'gradient_accumulation_steps', 1),
      runSeconds: wall?.value ?? null,
      steps: wall ? wall.step : null,
      samplesPerSecond: values.length ? values[Math.floor(values.length / 2)] : null,
    };
  });
}

/** A run this host timed from launch to end, with what it was asked to train (to set the machine's speed against the model's). */
export interface TimedRun {
  runId: number;
  datasetId: number;
  modelKind: ModelKind;
  modelSource: string;
  params: Record<string, unknown>;
  runSeconds: number;
  steps: number;
}

/** The latest runs on this host and provider that recorded run_seconds over at least one step, newest first. */
export function timedRuns(db: Database.Database, host: string, provider: string, limit = 5): TimedRun[] {
  const rows = db
    .prepare(
      `SELECT r.id, r.dataset_id, r.model_kind, r.model_source, m.value, m.step FROM runs r JOIN latest_metrics m ON m.run_id = r.id AND m.key = 'run_seconds'
        WHERE r.owner_host = ? AND r.provider = ? AND r.dataset_id IS NOT NULL AND m.value > 0 AND m.step > 0
        ORDER BY r.start_time DESC, r.id DESC LIMIT ?`,
    )
    .all(host, provider, limit) as { id: number; dataset_id: number; model_kind: ModelKind; model_source: string; value: number; step: number }[];
  const params = db.prepare('SELECT key, value FROM params WHERE run_id = ?');
  return rows.map((r) => ({
    runId: r.id,
    datasetId: r.dataset_id,
    modelKind: r.model_kind,
    modelSource: r.model_source,
    params: Object.fromEntries((params.all(r.id) as { key: string; value: string }[]).map((p) => [p.key, JSON.parse(p.value) as unknown])),
    runSeconds: r.value,
    steps: r.step,
  }));
}
