// Evaluations of runs on other datasets: rows of `evaluations` that name their dataset, with their
// per-file predictions in `evaluation_predictions`. An evaluation is written whole, in one
// transaction, or not at all.
import type Database from 'better-sqlite3';
import type { DatasetEvaluationInfo, PredictionRow, PredictionsQuery, UnknownLabelInfo } from '../../preload/contract.ts';
import { pagePredictions, predictedProbability, PREDICTION_TABLES } from './run-predictions.ts';
import { EVALUATION_COLUMNS, evaluationFromRow, saveEvaluation, type EvaluationRow, type NewEvaluation } from './runs.ts';

export interface NewDatasetEvaluation {
  runId: number;
  datasetId: number;
  datasetName: string;
  /** `split` is the scope: 'all' or one split. */
  evaluation: NewEvaluation;
  unknownLabels: UnknownLabelInfo[];
  /** Every file evaluated, known label or not. */
  predictions: PredictionRow[];
}

/** Stores an evaluation and its predictions in one transaction; returns its id. */
export function saveDatasetEvaluation(db: Database.Database, e: NewDatasetEvaluation, now = Date.now()): number {
  const insert = db.prepare(
    'INSERT INTO evaluation_predictions (evaluation_id, file_index, path, true_label, predicted_label, probability, top) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return db.transaction(() => {
    const id = saveEvaluation(db, e.runId, e.evaluation, now, { datasetId: e.datasetId, datasetName: e.datasetName, unknownLabels: e.unknownLabels });
    for (const r of e.predictions) insert.run(id, r.fileIndex, r.path, r.trueLabel, r.predictedLabel, predictedProbability(r), JSON.stringify(r.top));
    return id;
  })();
}

const SELECT = `SELECT ${EVALUATION_COLUMNS}, run_id, dataset_id, dataset_name, unknown_labels FROM evaluations`;

type Row = EvaluationRow & { run_id: number; dataset_id: number | null; dataset_name: string; unknown_labels: string };

function toInfo(r: Row): DatasetEvaluationInfo {
  const evaluation = evaluationFromRow(r);
  const unknownLabels = JSON.parse(r.unknown_labels) as UnknownLabelInfo[];
  return {
    ...evaluation,
    runId: r.run_id,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    files: evaluation.macro.support + unknownLabels.reduce((n, u) => n + u.files, 0),
    unknownLabels,
  };
}

/** The evaluations on other datasets of these runs, oldest first. */
export function listDatasetEvaluations(db: Database.Database, runIds: readonly number[]): DatasetEvaluationInfo[] {
  if (runIds.length === 0) return [];
  const marks = runIds.map(() => '?').join(',');
  return (db.prepare(`${SELECT} WHERE run_id IN (${marks}) AND dataset_name IS NOT NULL ORDER BY id`).all(...runIds) as Row[]).map(toInfo);
}

export function getDatasetEvaluation(db: Database.Database, id: number): DatasetEvaluationInfo | null {
  const row = db.prepare(`${SELECT} WHERE id = ? AND dataset_name IS NOT NULL`).get(id) as Row | undefined;
  return row ? toInfo(row) : null;
}

/** One page of an evaluation's files, optionally of one cell (a label the model lacks is a row of its own). */
export function listEvaluationPredictions(db: Database.Database, q: PredictionsQuery): { rows: PredictionRow[]; total: number } {
  return pagePredictions(db, PREDICTION_TABLES.evaluation, q);
}

/** Deletes an evaluation on a dataset and its predictions; false when there is none (the run's own are never deleted here). */
export function deleteDatasetEvaluation(db: Database.Database, id: number): boolean {
  return db.prepare('DELETE FROM evaluations WHERE id = ? AND dataset_name IS NOT NULL').run(id).changes > 0;
}
