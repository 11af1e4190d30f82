// The part of the bridge contract behind the Datasets section: the list, adding a dataset three ways
// (as a job, with progress and cancel in contract-core.ts), its report, and paging through its files. Merged into `Requests`/`Events`
// by contract.ts. Types only (plus the compile-checked name lists). The report's shapes are
// defined here once; main/data's scan result reuses them.

import type { ClassCount, DatasetSourceKind, DatasetSummary, NoArgs, ScanJobInfo, SplitCounts } from './contract-common.ts';

export type DatasetSplit = 'train' | 'validation' | 'test';

/** Files left out for one reason: the count is exact, the list may be capped. */
export interface SkippedGroupInfo {
  reason: string;
  count: number;
  /** A folder skipped as a whole ends with '/'. */
  files: string[];
}

/** Identical contents under one label: the first path (in sorted order) is kept. */
export interface DuplicateGroupInfo {
  sha256: string;
  label: string;
  kept: string;
  dropped: string[];
}

/** Identical contents under different labels: every copy is dropped, since no label can be trusted. */
export interface ConflictInfo {
  sha256: string;
  files: { path: string; label: string }[];
}

/** Two kept files in different splits whose token shingles are nearly the same. */
export interface NearDuplicatePairInfo {
  a: string;
  aSplit: DatasetSplit;
  b: string;
  bSplit: DatasetSplit;
  label: string | null;
  similarity: number;
}

/** File sizes per class on shared bin edges (bytes, log-spaced): counts[label][i] is files in [edges[i], edges[i+1]). */
export interface LengthHistogram {
  edges: number[];
  counts: Record<string, number[]>;
}

/**
 * A dataset's full report: what it holds and everything that was left out, and why. The lists
 * that can run to thousands (skipped paths, duplicate groups, conflicts, near-duplicate pairs) come
 * as a first page with their totals; the rest is paged with `datasets.skippedFiles`,
 * `datasets.duplicates`, `datasets.conflicts` and `datasets.nearDuplicates`.
 */
/** A class's projects: how many, how they fall in the splits, and how much the largest weighs. */
export interface ClassProjectsInfo {
  label: string;
  /** 'project': validation and test hold out whole projects; 'file': too few projects, split file by file; 'column': the table's split column. */
  split: 'project' | 'file' | 'column';
  /** Distinct named projects (files without one are not counted). */
  projects: number;
  /** Distinct named projects in each split. */
  bySplit: SplitCounts;
  /**
   * Of this class's projects, how many have files in more than one split (in this class or another
   * that is not split per file): their test files share a project with training files. 0 in a
   * dataset split whole by project; a dataset stored before a project was held out across classes
   * (2026-12-05) can have some. Always 0 for a class split per file, which shares projects by design.
   */
  acrossSplits: number;
  /** Files that name no project. */
  unnamedFiles: number;
  /** The class's largest project and its share of the class's files (0 to 1); null when none is named. */
  largest: { project: string; share: number } | null;
}

export interface DatasetReportInfo extends DatasetSummary {
  roots: string[];
  /** `listed`: how many paths are stored for the reason (`count` may be larger; `files` is the first page). */
  skipped: (SkippedGroupInfo & { listed: number })[];
  /** The first page of duplicate groups. */
  duplicates: DuplicateGroupInfo[];
  /** How many groups are stored, and how many copies they dropped in all. */
  duplicatesListed: number;
  duplicatesDropped: number;
  /** The first page of conflicts. */
  conflicts: ConflictInfo[];
  conflictsListed: number;
  nearDuplicates: NearDuplicatePairInfo[];
  /** How many pairs are stored; `nearDuplicates` is the first page. */
  nearDuplicatesListed: number;
  /** True when the scan found more pairs than it kept. */
  nearDuplicatesTruncated: boolean;
  lengthHistogram: LengthHistogram;
  /** Per class, in the order of `classes`. */
  projects: ClassProjectsInfo[];
  options: Record<string, unknown>;
}

/** A saved dataset without its long lists, as `langlab dataset list --json` prints it. */
export interface DatasetHeaderInfo {
  id: number;
  kind: DatasetSourceKind;
  name: string;
  roots: string[];
  classes: ClassCount[];
  splits: SplitCounts;
  nearDuplicatesTruncated: boolean;
  fingerprint: string;
  options: Record<string, unknown>;
  createdAt: number;
}

/**
 * A saved dataset whole, unpaged, as `langlab dataset show --json` prints it: every skipped path,
 * duplicate group, conflict and stored near-duplicate pair, and its projects per class. The page
 * reads the paged `DatasetReportInfo` instead.
 */
export interface DatasetFullReport extends DatasetHeaderInfo {
  skipped: SkippedGroupInfo[];
  duplicates: DuplicateGroupInfo[];
  conflicts: ConflictInfo[];
  nearDuplicates: NearDuplicatePairInfo[];
  projects: ClassProjectsInfo[];
}

export interface DatasetFileInfo {
  /** Stable position in the dataset; the file APIs take it. */
  index: number;
  path: string;
  label: string;
  split: DatasetSplit;
  size: number;
  sha256: string;
  /** The project the file comes from; null when the dataset names none for it. */
  project: string | null;
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

export interface DatasetRequests {
  'datasets.list': { args: NoArgs; result: DatasetSummary[] };
  'datasets.get': { args: { id: number }; result: DatasetReportInfo };
  'datasets.files': {
    /** `path`: only files whose path contains this text, in any case (the file browser's search). */
    args: { id: number; label?: string; split?: DatasetSplit; path?: string; offset?: number; limit?: number };
    result: { total: number; files: DatasetFileInfo[] };
  };
  'datasets.fileText': { args: { id: number; index: number }; result: DatasetFileText };
  'datasets.skippedFiles': { args: { id: number; reason: string; offset?: number; limit?: number }; result: { total: number; files: string[] } };
  'datasets.nearDuplicates': { args: { id: number; offset?: number; limit?: number }; result: { total: number; pairs: NearDuplicatePairInfo[] } };
  'datasets.duplicates': { args: { id: number; offset?: number; limit?: number }; result: { total: number; groups: DuplicateGroupInfo[] } };
  'datasets.conflicts': { args: { id: number; offset?: number; limit?: number }; result: { total: number; conflicts: ConflictInfo[] } };
  /** Starts scanning a folder (one sub-folder per class) or a CSV/JSONL file; progress arrives as job.progress. */
  'datasets.add': { args: DatasetCommonOptions & { kind: 'folder' | 'csv' | 'jsonl'; path: string }; result: ScanJobInfo };
  /** Starts building a dataset from folders of real code, labelled by GitHub Linguist. */
  'datasets.build': {
    /** `languages`: keep only these Linguist languages (the command line's --language). */
    args: DatasetCommonOptions & { roots: string[]; top?: number; minFiles?: number; cap?: number; overrides?: Record<string, string | null>; languages?: string[] };
    result: ScanJobInfo;
  };
  'datasets.delete': { args: { id: number }; result: { id: number } };
  /** Every saved dataset's header (the command line's `dataset list`). */
  'datasets.headers': { args: NoArgs; result: DatasetHeaderInfo[] };
  /** A saved dataset's whole report, unpaged (the command line's `dataset show`). */
  'datasets.fullReport': { args: { id: number }; result: DatasetFullReport };
}

/** None of its own: scans report through `job.progress` (contract-core.ts). */
export type DatasetEvents = Record<never, never>;

export const datasetRequestNames: { [K in keyof DatasetRequests]: true } = {
  'datasets.list': true,
  'datasets.get': true,
  'datasets.files': true,
  'datasets.fileText': true,
  'datasets.skippedFiles': true,
  'datasets.nearDuplicates': true,
  'datasets.duplicates': true,
  'datasets.conflicts': true,
  'datasets.add': true,
  'datasets.build': true,
  'datasets.delete': true,
  'datasets.headers': true,
  'datasets.fullReport': true,
};
export const datasetEventNames: { [K in keyof DatasetEvents]: true } = {};
