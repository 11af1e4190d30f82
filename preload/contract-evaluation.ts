// Evaluating a finished run on another dataset (code from projects the run never saw): start it as
// a job, list a run's evaluations, read one with the files behind each confusion-matrix cell.
// Merged into `Requests` by contract.ts. Types only (plus the compile-checked name list).

import type { EvaluationInfo, PredictionRow, PredictionsQuery, ScanJobInfo } from './contract-common.ts';

/** Which files of the dataset an evaluation covers. */
export type EvaluationScope = 'all' | 'train' | 'validation' | 'test';

/** A label of the dataset that the model does not have: its files, and what the model called them. */
export interface UnknownLabelInfo {
  label: string;
  files: number;
  /** Predicted label -> files. */
  predicted: Record<string, number>;
}

/**
 * An evaluation of a run on a dataset. Accuracy, report and matrix cover the files whose label the
 * model knows (`split` is the scope: 'all' or one split); the others are counted in `unknownLabels`.
 */
export interface DatasetEvaluationInfo extends EvaluationInfo {
  runId: number;
  /** Null once the dataset has been deleted. */
  datasetId: number | null;
  datasetName: string;
  /** Every file evaluated, with a known label or not. */
  files: number;
  unknownLabels: UnknownLabelInfo[];
}

export interface EvaluationRequests {
  /** Starts evaluating a finished run's exported model on a stored dataset; progress arrives as job.progress, resultId is the evaluation. */
  'runs.evaluate': { args: { runId: number; datasetId: number; split?: EvaluationScope }; result: ScanJobInfo };
  /** The evaluations on other datasets of these runs, oldest first. */
  'runs.evaluations': { args: { runIds: number[] }; result: DatasetEvaluationInfo[] };
  'runs.evaluation': { args: { id: number }; result: DatasetEvaluationInfo };
  /** One page of an evaluation's files, optionally of one confusion-matrix cell (least confident first). */
  'runs.evaluationPredictions': { args: PredictionsQuery; result: { rows: PredictionRow[]; total: number } };
  'runs.deleteEvaluation': { args: { id: number }; result: { id: number } };
}

export const evaluationRequestNames: { [K in keyof EvaluationRequests]: true } = {
  'runs.evaluate': true,
  'runs.evaluations': true,
  'runs.evaluation': true,
  'runs.evaluationPredictions': true,
  'runs.deleteEvaluation': true,
};
