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
      const probability = r.top.find((t) => t.label === r.predictedLabel)?.probability ?? r.top[0]?.probability ?? 0;
      insert.run(runId, r.fileIndex, r.path, r.trueLabel, r.predictedLabel, probability, JSON.stringify(r.top));
    }
  })();
}

/**
 * One page of a run's predictions, optionally of one confusion-matrix cell (true and/or predicted
 * label); within a cell the least confident come first, since those are the ones worth reading.
 */
export function listPredictions(db: Database.Database, q: PredictionsQuery): { rows: PredictionRow[]; total: number } {
  const where = ['run_id = ?'];
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
  const total = db.prepare(`SELECT count(*) FROM run_predictions WHERE ${clause}`).pluck().get(...params) as number;
  const rows = db
    .prepare(`SELECT file_index, path, true_label, predicted_label, top FROM run_predictions WHERE ${clause} ORDER BY probability, file_index LIMIT ? OFFSET ?`)
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
