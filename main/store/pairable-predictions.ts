// Per-file predictions with each file's content hash, so two runs can be compared file by file even
// when their datasets differ (the same file has the same hash in both). The hash comes from the
// dataset's own rows; a deleted dataset leaves its runs' predictions without one.
import type Database from 'better-sqlite3';

/** A run's own test predictions, or those of one of its evaluations on another dataset. */
export type PredictionSource = { kind: 'run'; runId: number } | { kind: 'evaluation'; evaluationId: number };

/** One stored prediction as a comparison reads it; `top` stays JSON until a page needs it. */
export interface PairablePrediction {
  fileIndex: number;
  path: string;
  trueLabel: string;
  predictedLabel: string;
  topJson: string;
  sha256: string | null;
}

export interface PairablePredictions {
  /** The dataset the file indexes point into; null once it has been deleted. */
  datasetId: number | null;
  rows: PairablePrediction[];
}

const QUERIES = {
  run: {
    dataset: 'SELECT dataset_id FROM runs WHERE id = ?',
    rows: `SELECT p.file_index, p.path, p.true_label, p.predicted_label, p.top, f.sha256
           FROM run_predictions p JOIN runs o ON o.id = p.run_id
           LEFT JOIN dataset_files f ON f.dataset_id = o.dataset_id AND f.idx = p.file_index
           WHERE p.run_id = ? ORDER BY p.file_index`,
  },
  evaluation: {
    dataset: 'SELECT dataset_id FROM evaluations WHERE id = ?',
    rows: `SELECT p.file_index, p.path, p.true_label, p.predicted_label, p.top, f.sha256
           FROM evaluation_predictions p JOIN evaluations o ON o.id = p.evaluation_id
           LEFT JOIN dataset_files f ON f.dataset_id = o.dataset_id AND f.idx = p.file_index
           WHERE p.evaluation_id = ? ORDER BY p.file_index`,
  },
} as const;

/** Every stored prediction of one source with its file's hash (null where the dataset is gone). */
export function pairablePredictions(db: Database.Database, source: PredictionSource): PairablePredictions {
  const q = QUERIES[source.kind];
  const owner = source.kind === 'run' ? source.runId : source.evaluationId;
  const datasetId = (db.prepare(q.dataset).pluck().get(owner) as number | null | undefined) ?? null;
  const raw = db.prepare(q.rows).all(owner) as {
    file_index: number;
    path: string;
    true_label: string;
    predicted_label: string;
    top: string;
    sha256: string | null;
  }[];
  return {
    datasetId,
    rows: raw.map((r) => ({
      fileIndex: r.file_index,
      path: r.path,
      trueLabel: r.true_label,
      predictedLabel: r.predicted_label,
      topJson: r.top,
      sha256: r.sha256,
    })),
  };
}
