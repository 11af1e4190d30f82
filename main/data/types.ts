// The one result shape every way into a dataset produces, so the store, the CLI and the UI
// handle a folder, a CSV/JSONL table and a repository build alike.

import type {
  ClassCount,
  ConflictInfo,
  DatasetSourceKind,
  DatasetSplit,
  DuplicateGroupInfo,
  JobPhase,
  NearDuplicatePairInfo,
  SkippedGroupInfo,
  SplitCounts,
} from '../../preload/contract.ts';

export type Split = DatasetSplit;

/** Why a file was left out; each reason keeps its own file list. */
export type SkipReason =
  | 'empty'
  | 'nul-byte'
  | 'not-utf8'
  | 'unreadable'
  | 'unreadable-folder'
  | 'symlink-loop'
  | 'symlink-repeat'
  | 'not-regular'
  | 'outside-class-folder'
  | 'binary'
  | 'oversize'
  | 'vendored'
  | 'generated'
  | 'minified'
  | 'gitignored'
  | 'ambiguous-extension'
  | 'other-language'
  | 'no-code'
  | 'unknown-language'
  | 'class-too-small'
  | 'class-not-kept';

export interface DatasetFile {
  /** Index into `DatasetResult.roots`: where `path` is relative to. */
  root: number;
  /** Path relative to its root, '/'-separated; invalid UTF-8 bytes shown as U+FFFD. */
  path: string;
  /** The exact path bytes when the name is not valid UTF-8 (then `path` is only for display). */
  pathBytes?: Uint8Array;
  label: string;
  size: number;
  sha256: string;
  split: Split;
  /** The project the file comes from (validation and test hold out whole projects); null when the input names none. */
  project: string | null;
  /** The content itself, for table inputs, which have no file to read it back from. */
  text?: string;
}

/** The report's shapes are the contract's, so the store, the CLI and the UI pass them on as they are. */
export type { SplitCounts };
export type ClassSummary = ClassCount;
export type DuplicateGroup = DuplicateGroupInfo;
export type Conflict = ConflictInfo;
export type NearDuplicatePair = NearDuplicatePairInfo;

export interface SkippedGroup extends SkippedGroupInfo {
  reason: SkipReason;
}

export type DatasetKind = DatasetSourceKind;

export interface DatasetResult {
  kind: DatasetKind;
  name: string;
  /** Absolute folders (or the table file) that file paths are relative to. */
  roots: string[];
  files: DatasetFile[];
  classes: ClassSummary[];
  splits: SplitCounts;
  skipped: SkippedGroup[];
  duplicates: DuplicateGroup[];
  conflicts: Conflict[];
  nearDuplicates: NearDuplicatePair[];
  /** True when more near-duplicate pairs existed than were listed. */
  nearDuplicatesTruncated: boolean;
  /** sha256 over the sorted (content hash, label, split) triples. */
  fingerprint: string;
  /** What the dataset was made with, so it can be rebuilt. */
  options: Record<string, unknown>;
}

/** The phases a scan itself reports; a task adds its own start and save around them. */
export type ScanPhase = Exclude<JobPhase, 'start' | 'save'>;

export interface ScanProgress {
  phase: ScanPhase;
  filesSeen: number;
  bytesSeen: number;
  /** The file or folder being looked at, for display. */
  current?: string;
}

/** Options every way in accepts. */
export interface CommonOptions {
  name?: string;
  seed?: number;
  /** Share of each class put in the test split (default 0.2). */
  testFraction?: number;
  /** Share of what remains put in the validation split (default 0.1). */
  validationFraction?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  /** At most one progress call per this many milliseconds (default 100), plus one per phase change. */
  progressIntervalMs?: number;
  /** Files read at once (default 8). */
  concurrency?: number;
  /** Estimated Jaccard similarity at or above which a cross-split pair is reported (default 0.8). */
  nearDuplicateThreshold?: number;
  /** Cap on listed near-duplicate pairs (default 10,000). */
  maxNearDuplicatePairs?: number;
  /** Cap on file paths listed per skip reason; counts stay exact (default 10,000). */
  maxListedPerReason?: number;
}
