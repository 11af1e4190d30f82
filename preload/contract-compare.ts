// Two runs in depth: per-class deltas, the confusion-matrix difference and the files one run gets
// right and the other wrong, over the test files both runs predicted (matched by content hash).
// Merged into `Requests` by contract.ts. Types only (plus the compile-checked name list).

import type { ClassReportRow, RankedLabel } from './contract-common.ts';

/**
 * What the two runs are compared on: their own test splits (no evaluation ids), or their
 * evaluations on the same other dataset (one evaluation of each run).
 */
export interface PairQuery {
  runA: number;
  runB: number;
  evaluationA?: number;
  evaluationB?: number;
}

/** Both runs' report rows for one label; B − A is left to the view. */
export interface PairClassRow {
  label: string;
  a: Omit<ClassReportRow, 'label'>;
  b: Omit<ClassReportRow, 'label'>;
}

export interface PairDiff {
  /** The labels both runs know, A's order; the rows, columns and per-class table use these. */
  labels: string[];
  /** Labels only one run knows: their files are left out, and predictions of them count as wrong. */
  onlyA: string[];
  onlyB: string[];
  /** Files each run has predictions for, and the files compared (present in both, label shared). */
  filesA: number;
  filesB: number;
  shared: number;
  /** True when both runs predicted exactly the same files. */
  sameFiles: boolean;
  /** 'hash' normally; 'path' when a run's dataset was deleted and its files' hashes are gone. */
  matchedBy: 'hash' | 'path';
  rows: PairClassRow[];
  accuracyA: number;
  accuracyB: number;
  /** Over the shared files: confusion[i][j] = files of true labels[i] predicted as labels[j]. */
  confusionA: number[][];
  confusionB: number[][];
  /** Files A gets right and B wrong, and the reverse. */
  brokenByB: number;
  fixedByB: number;
}

/** Which paired files to list: the flips either way, or those that moved into or out of one cell. */
export type PairFilesFilter =
  | { kind: 'broken' | 'fixed'; trueLabel?: string }
  | { kind: 'cell'; trueLabel: string; predictedLabel: string };

export interface PairFilesQuery extends PairQuery {
  filter: PairFilesFilter;
  offset?: number;
  limit?: number;
}

/** One run's side of a paired file: where its dataset keeps the file, and what it predicted. */
export interface PairSide {
  datasetId: number | null;
  fileIndex: number;
  predictedLabel: string;
  top: RankedLabel[];
}

export interface PairFile {
  path: string;
  trueLabel: string;
  a: PairSide;
  b: PairSide;
  /** For a cell's list: 'in' when B puts the file in the cell and A did not, 'out' the reverse. */
  move?: 'in' | 'out';
}

export interface CompareRequests {
  /** Per-class rows, both confusion matrices over the shared files, and the flip counts. */
  'compare.pair': { args: PairQuery; result: PairDiff };
  /** One page of paired files (flipped, or moved through one cell), in path order. */
  'compare.pairFiles': { args: PairFilesQuery; result: { rows: PairFile[]; total: number; moved?: { in: number; out: number } } };
}

export const compareRequestNames: { [K in keyof CompareRequests]: true } = {
  'compare.pair': true,
  'compare.pairFiles': true,
};
