// Evaluations: rows of `evaluations`. A run's own (its test report, written when it finishes) name
// no dataset; those of the run on other datasets name theirs and keep their per-file predictions
// in `evaluation_predictions`, written whole, in one transaction, or not at all.
import type Database from 'better-sqlite3';
import type { DatasetEvaluationInfo, EvaluationInfo, PredictionRow, PredictionsQuery, TestSummary, UnknownLabelInfo } from '../../preload/contract.ts';
import { pagePredictions, predictedProbability, PREDICTION_TABLES } from './run-predictions.ts';

/** An evaluation as the trainer or an evaluation job makes it: what the store adds (id, time) left out. */
export type NewEvaluation = Omit<EvaluationInfo, 'id' | 'createdAt'>;

/** Where an evaluation on another dataset was made; the run's own evaluations have none. */
export interface EvaluationDataset {
  datasetId: number;
  datasetName: string;
  unknownLabels: UnknownLabelInfo[];
}

/** Stores one evaluation report; `on` names the dataset when it is not the run's own. Returns its id. */
export function saveEvaluation(db: Database.Database, runId: number, e: NewEvaluation, now = Date.now(), on?: EvaluationDataset): number {
  const report = JSON.stringify({ rows: e.rows, macro: e.macro, weighted: e.weighted });
  return Number(
    db
      .prepare(
        `INSERT INTO evaluations (run_id, split, labels, report, confusion, accuracy, macro_f1, weighted_f1, created_at, dataset_id, dataset_name, unknown_labels)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId, e.split, JSON.stringify(e.labels), report, JSON.stringify(e.confusion), e.accuracy, e.macro.f1, e.weighted.f1, now,
        on?.datasetId ?? null, on?.datasetName ?? null, JSON.stringify(on?.unknownLabels ?? []),
      ).lastInsertRowid,
  );
}

/**
 * Writes a run's own evaluation of a split in place of any earlier one of that split (a resumed
 * run that finishes evaluates again); the run's evaluations on other datasets stay.
 */
export function replaceRunEvaluation(db: Database.Database, runId: number, e: NewEvaluation, now = Date.now()): number {
  return db.transaction(() => {
    db.prepare('DELETE FROM evaluations WHERE run_id = ? AND split = ? AND dataset_name IS NULL').run(runId, e.split);
    return saveEvaluation(db, runId, e, now);
  })();
}

/** The run's own evaluations (its test report); those on other datasets are listed by `listDatasetEvaluations`. */
export function listEvaluations(db: Database.Database, runId: number): EvaluationInfo[] {
  const rows = db
    .prepare(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE run_id = ? AND dataset_name IS NULL ORDER BY id`)
    .all(runId) as EvaluationRow[];
  return rows.map(evaluationFromRow);
}

/** The latest own test evaluation of each of these runs in brief, for the runs list. */
export function testSummaries(db: Database.Database, runIds: readonly number[]): Map<number, TestSummary> {
  const out = new Map<number, TestSummary>();
  if (runIds.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT run_id, labels, confusion, accuracy, macro_f1 FROM evaluations
       WHERE run_id IN (${runIds.map(() => '?').join(',')}) AND dataset_name IS NULL AND split = 'test' ORDER BY id`,
    )
    .all(...runIds) as { run_id: number; labels: string; confusion: string; accuracy: number; macro_f1: number }[];
  for (const r of rows) {
    const labels = JSON.parse(r.labels) as string[];
    const confusion = JSON.parse(r.confusion) as number[][];
    // Column sums: how often each label was predicted.
    const predicted = labels.map((_, j) => confusion.reduce((n, row) => n + (row[j] ?? 0), 0));
    const total = predicted.reduce((a, b) => a + b, 0);
    const top = predicted.indexOf(Math.max(...predicted));
    out.set(r.run_id, {
      accuracy: r.accuracy,
      macroF1: r.macro_f1,
      classes: labels.length,
      topPredicted: { label: labels[top] ?? '', share: total === 0 ? 0 : predicted[top] / total },
    });
  }
  return out;
}

/** The columns evaluationFromRow reads. */
const EVALUATION_COLUMNS = 'id, split, labels, report, confusion, accuracy, created_at';

interface EvaluationRow {
  id: number;
  split: string;
  labels: string;
  report: string;
  confusion: string;
  accuracy: number;
  created_at: number;
}

function evaluationFromRow(r: EvaluationRow): EvaluationInfo {
  const report = JSON.parse(r.report) as Pick<EvaluationInfo, 'rows' | 'macro' | 'weighted'>;
  return {
    id: r.id,
    split: r.split,
    labels: JSON.parse(r.labels) as string[],
    ...report,
    accuracy: r.accuracy,
    confusion: JSON.parse(r.confusion) as number[][],
    createdAt: r.created_at,
  };
}

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

/** Stores an evaluation on another dataset and its predictions in one transaction; returns its id. */
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

const SELECT_ON_DATASET = `SELECT ${EVALUATION_COLUMNS}, run_id, dataset_id, dataset_name, unknown_labels FROM evaluations`;

type DatasetEvaluationRow = EvaluationRow & { run_id: number; dataset_id: number | null; dataset_name: string; unknown_labels: string };

function datasetEvaluationFromRow(r: DatasetEvaluationRow): DatasetEvaluationInfo {
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
  return (db.prepare(`${SELECT_ON_DATASET} WHERE run_id IN (${marks}) AND dataset_name IS NOT NULL ORDER BY id`).all(...runIds) as DatasetEvaluationRow[]).map(
    datasetEvaluationFromRow,
  );
}

/** One evaluation on another dataset, or null when there is none with this id. */
export function getDatasetEvaluation(db: Database.Database, id: number): DatasetEvaluationInfo | null {
  const row = db.prepare(`${SELECT_ON_DATASET} WHERE id = ? AND dataset_name IS NOT NULL`).get(id) as DatasetEvaluationRow | undefined;
  return row ? datasetEvaluationFromRow(row) : null;
}

/** One page of an evaluation's files, optionally of one cell (a label the model lacks is a row of its own). */
export function listEvaluationPredictions(db: Database.Database, q: PredictionsQuery): { rows: PredictionRow[]; total: number } {
  return pagePredictions(db, PREDICTION_TABLES.evaluation, q);
}

/** Deletes an evaluation on a dataset and its predictions; false when there is none (the run's own are never deleted here). */
export function deleteDatasetEvaluation(db: Database.Database, id: number): boolean {
  return db.prepare('DELETE FROM evaluations WHERE id = ? AND dataset_name IS NOT NULL').run(id).changes > 0;
}
