import type Database from 'better-sqlite3';
import type { PredictionRow, PredictionsQuery, RankedLabel } from '../../preload/contract.ts';

/** Replaces a run's stored test-set predictions (a resumed run that finishes writes them again). */
export function savePredictions(db: Database.Database, runId: number, rows: PredictionRow[]): void {
  const insert = db.prepare(
    'INSERT INTO run_predictions (run_id, file_index, path, true_label, predicted_label, probability, top) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    db.prepare('DELETE FROM run_predictions WHERE run_id = ?').run(runId);
    for (const r of rows) {
      insert.run(runId, r.fileIndex, r.path, r.trueLabel, r.predictedLabel, predictedProbability(r), JSON.stringify(r.top));
    }
  })();
}

/**
 * One page of a run's predictions, optionally of one confusion-matrix cell (true and/or predicted
 * label); within a cell the least confident come first, since those are the ones worth reading.
 */
export function listPredictions(db: Database.Database, q: PredictionsQuery): { rows: PredictionRow[]; total: number } {
  return pagePredictions(db, PREDICTION_TABLES.run, q);
}

/** The two tables of per-file predictions: a run's own test split, and its evaluations on other datasets. */
export const PREDICTION_TABLES = {
  run: { table: 'run_predictions', owner: 'run_id' },
  evaluation: { table: 'evaluation_predictions', owner: 'evaluation_id' },
} as const;

/** One page of predictions of one owner (a run, an evaluation), optionally of one cell; least confident first. */
export function pagePredictions(
  db: Database.Database,
  source: (typeof PREDICTION_TABLES)[keyof typeof PREDICTION_TABLES],
  q: PredictionsQuery,
): { rows: PredictionRow[]; total: number } {
  const where = [`${source.owner} = ?`];
  const params: (string | number)[] = [q.id];
  if (q.trueLabel !== undefined) {
    where.push('true_label = ?');
    params.push(q.trueLabel);
  }
  if (q.predictedLabel !== undefined) {
    where.push('predicted_label = ?');
    params.push(q.predictedLabel);
  }
  const clause = where.join(' AND ');
  const total = db.prepare(`SELECT count(*) FROM ${source.table} WHERE ${clause}`).pluck().get(...params) as number;
  const rows = db
    .prepare(`SELECT file_index, path, true_label, predicted_label, top FROM ${source.table} WHERE ${clause} ORDER BY probability, file_index LIMIT ? OFFSET ?`)
    .all(...params, q.limit ?? 100, q.offset ?? 0) as { file_index: number; path: string; true_label: string; predicted_label: string; top: string }[];
  return {
    total,
    rows: rows.map((r) => ({
      fileIndex: r.file_index,
      path: r.path,
      trueLabel: r.true_label,
      predictedLabel: r.predicted_label,
      top: JSON.parse(r.top) as RankedLabel[],
    })),
  };
}

/** The probability a stored row sorts by: the predicted label's. */
export function predictedProbability(r: PredictionRow): number {
  return r.top.find((t) => t.label === r.predictedLabel)?.probability ?? r.top[0]?.probability ?? 0;
}

/**
 * The confidence of a run's correct test-set predictions below which at most `fraction` of them
 * lie (the k-th lowest, k = floor(fraction x correct)); null when the run stored no correct prediction.
 */
export function correctConfidenceQuantile(db: Database.Database, runId: number, fraction: number): number | null {
  const correct = db.prepare('SELECT count(*) FROM run_predictions WHERE run_id = ? AND true_label = predicted_label').pluck().get(runId) as number;
  if (correct === 0) return null;
  return db
    .prepare('SELECT probability FROM run_predictions WHERE run_id = ? AND true_label = predicted_label ORDER BY probability LIMIT 1 OFFSET ?')
    .pluck()
    .get(runId, Math.floor(fraction * correct)) as number;
}
