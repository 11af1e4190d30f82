// Per-file predictions with each file's content hash, so two runs can be compared file by file even
// when their datasets differ (the same file has the same hash in both). The hash comes from the
// dataset's own rows; a deleted dataset leaves its runs' predictions without one.
import type Database from 'better-sqlite3';
import type { RankedLabel } from '../../preload/contract.ts';

/** A run's own test predictions, or those of one of its evaluations on another dataset. */
export type PredictionSource = { kind: 'run'; runId: number } | { kind: 'evaluation'; evaluationId: number };

/** One stored prediction as a comparison reads it; its probabilities are read for a page only (`predictionTops`). */
export interface PairablePrediction {
  fileIndex: number;
  path: string;
  trueLabel: string;
  predictedLabel: string;
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
    rows: `SELECT p.file_index, p.path, p.true_label, p.predicted_label, f.sha256
           FROM run_predictions p JOIN runs o ON o.id = p.run_id
           LEFT JOIN dataset_files f ON f.dataset_id = o.dataset_id AND f.idx = p.file_index
           WHERE p.run_id = ? ORDER BY p.file_index`,
    tops: 'SELECT file_index, top FROM run_predictions WHERE run_id = ? AND file_index IN',
  },
  evaluation: {
    dataset: 'SELECT dataset_id FROM evaluations WHERE id = ?',
    rows: `SELECT p.file_index, p.path, p.true_label, p.predicted_label, f.sha256
           FROM evaluation_predictions p JOIN evaluations o ON o.id = p.evaluation_id
           LEFT JOIN dataset_files f ON f.dataset_id = o.dataset_id AND f.idx = p.file_index
           WHERE p.evaluation_id = ? ORDER BY p.file_index`,
    tops: 'SELECT file_index, top FROM evaluation_predictions WHERE evaluation_id = ? AND file_index IN',
  },
} as const;

/**
 * Every stored prediction of one source with its file's hash (null where the dataset is gone).
 * Read as arrays, without the probabilities: a run can have tens of thousands of test files.
 */
export function pairablePredictions(db: Database.Database, source: PredictionSource): PairablePredictions {
  const q = QUERIES[source.kind];
  const owner = ownerOf(source);
  const datasetId = (db.prepare(q.dataset).pluck().get(owner) as number | null | undefined) ?? null;
  const raw = db.prepare(q.rows).raw(true).all(owner) as [number, string, string, string, string | null][];
  return {
    datasetId,
    rows: raw.map(([fileIndex, path, trueLabel, predictedLabel, sha256]) => ({ fileIndex, path, trueLabel, predictedLabel, sha256 })),
  };
}

/** The ranked probabilities of some of a source's files (a page of them), by file index. */
export function predictionTops(db: Database.Database, source: PredictionSource, fileIndexes: readonly number[]): Map<number, RankedLabel[]> {
  const out = new Map<number, RankedLabel[]>();
  for (let i = 0; i < fileIndexes.length; i += 500) {
    const chunk = fileIndexes.slice(i, i + 500);
    const rows = db.prepare(`${QUERIES[source.kind].tops} (${chunk.map(() => '?').join(',')})`).all(ownerOf(source), ...chunk) as { file_index: number; top: string }[];
    for (const r of rows) out.set(r.file_index, JSON.parse(r.top) as RankedLabel[]);
  }
  return out;
}

function ownerOf(source: PredictionSource): number {
  return source.kind === 'run' ? source.runId : source.evaluationId;
}
