// The part of the bridge contract behind the Datasets section: adding a dataset three ways with
// progress and cancel, its report, and paging through its files. Merged into `Requests`/`Events`
// by contract.ts. Types only (plus the compile-checked name lists).

import type { DatasetSummary, NoArgs } from './contract.ts';

export type DatasetSplit = 'train' | 'validation' | 'test';

/** A dataset's full report: what it holds and everything that was left out, and why. */
export interface DatasetReportInfo extends DatasetSummary {
  roots: string[];
  skipped: { reason: string; count: number; files: string[] }[];
  duplicates: { sha256: string; label: string; kept: string; dropped: string[] }[];
  conflicts: { sha256: string; files: { path: string; label: string }[] }[];
  nearDuplicates: { a: string; aSplit: DatasetSplit; b: string; bSplit: DatasetSplit; label: string | null; similarity: number }[];
  nearDuplicatesTruncated: boolean;
  /** File sizes per class on shared bin edges (bytes, log-spaced): counts[label][i] is files in [edges[i], edges[i+1]). */
  lengthHistogram: { edges: number[]; counts: Record<string, number[]> };
  options: Record<string, unknown>;
}

export interface DatasetFileInfo {
  /** Stable position in the dataset; the file APIs take it. */
  index: number;
  path: string;
  label: string;
  split: DatasetSplit;
  size: number;
  sha256: string;
}

export interface DatasetFileText {
  index: number;
  path: string;
  label: string;
  split: DatasetSplit;
  text: string;
  /** highlight.js language name for the viewer, or null to show plain text. */
  highlight: string | null;
}

export interface DatasetCommonOptions {
  name?: string;
  seed?: number;
  testFraction?: number;
  validationFraction?: number;
  maxBytes?: number;
}

export type TaskStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** A long operation (a dataset scan), its progress and its end. */
export interface TaskInfo {
  taskId: string;
  kind: 'dataset.add' | 'dataset.build';
  title: string;
  status: TaskStatus;
  phase: string;
  filesSeen: number;
  bytesSeen: number;
  current: string | null;
  startedAt: number;
  error: string | null;
  /** The dataset made, once done. */
  resultId: number | null;
}

export interface DatasetRequests {
  'datasets.get': { args: { id: number }; result: DatasetReportInfo };
  'datasets.files': {
    args: { id: number; label?: string; split?: DatasetSplit; offset?: number; limit?: number };
    result: { total: number; files: DatasetFileInfo[] };
  };
  'datasets.fileText': { args: { id: number; index: number }; result: DatasetFileText };
  /** Starts scanning a folder (one sub-folder per class) or a CSV/JSONL file; progress arrives as task.progress. */
  'datasets.add': { args: DatasetCommonOptions & { kind: 'folder' | 'csv' | 'jsonl'; path: string }; result: TaskInfo };
  /** Starts building a dataset from folders of real code, labelled by GitHub Linguist. */
  'datasets.build': {
    args: DatasetCommonOptions & { roots: string[]; top?: number; minFiles?: number; cap?: number; overrides?: Record<string, string | null> };
    result: TaskInfo;
  };
  'datasets.delete': { args: { id: number }; result: { id: number } };
  'tasks.list': { args: NoArgs; result: TaskInfo[] };
  'tasks.cancel': { args: { taskId: string }; result: TaskInfo };
  /** Opens the native picker (desktop app only; browser mode answers NOT_AVAILABLE and the page shows a path field). */
  'system.pickPath': { args: { kind: 'folder' | 'folders' | 'file'; title?: string }; result: { paths: string[] } };
}

export interface DatasetEvents {
  'task.progress': TaskInfo;
}

export const datasetRequestNames: { [K in keyof DatasetRequests]: true } = {
  'datasets.get': true,
  'datasets.files': true,
  'datasets.fileText': true,
  'datasets.add': true,
  'datasets.build': true,
  'datasets.delete': true,
  'tasks.list': true,
  'tasks.cancel': true,
  'system.pickPath': true,
};
export const datasetEventNames: { [K in keyof DatasetEvents]: true } = { 'task.progress': true };
