// The Classify section's part of the bridge contract: classify every text file of a folder with a
// finished run's exported model, then read the language breakdown and each file's result.
import type { ClassifyJobProgress, RankedLabel, RunStatus } from './contract-common.ts';

export interface ClassificationJobSummary {
  id: number;
  runId: number | null;
  /** The run's name, when the run still exists. */
  runName: string | null;
  modelPath: string;
  root: string;
  status: RunStatus;
  /** Files to classify, known once the folder has been walked (0 before). */
  filesTotal: number;
  filesDone: number;
  /** Files left out: binary, empty, not UTF-8, oversize, vendored, generated or .gitignore'd. */
  filesSkipped: number;
  error: string | null;
  /** Files whose top probability is below this count as unknown (0: none). */
  threshold: number;
  startedAt: number;
  endedAt: number | null;
}

/** A job with its language breakdown and how often the model disagrees with file extensions. */
export interface ClassificationJobDetail
  extends ClassificationJobSummary, Pick<ClassifyJobProgress, 'breakdown' | 'withExtensionLabel' | 'withOtherLanguage' | 'disagreements' | 'unknown'> {
  /** What was left out, counted by reason (the walk's and the reader's: binary, vendored, gitignored, …); most first. Jobs from before schema 9 have none listed. */
  leftOut: { reason: string; count: number }[];
}

export interface ClassifiedFileInfo {
  /** Relative to the job's folder, '/'-separated. */
  path: string;
  label: string;
  confidence: number;
  /** The model's label that the file's extension names, when it names one. */
  extensionLabel: string | null;
  /** The language the extension names when the model has no label for it (Linguist's name); never a disagreement. */
  extensionLanguage: string | null;
  size: number;
  top: RankedLabel[];
}

/** A classified file's code, for the job page's viewer. */
export interface ClassifiedFileText {
  path: string;
  text: string;
  /** highlight.js language name (from the file name, else the predicted label), or null for plain text. */
  highlight: string | null;
}

export interface ClassificationResultsQuery {
  id: number;
  /** Files classified as this label at or above the job's threshold. */
  label?: string;
  /** Only the files below the job's threshold. */
  unknown?: boolean;
  /** Only files whose extension names another of the model's languages. */
  disagreeing?: boolean;
  /** 'path' (default), or 'confidence' (least confident first). */
  sort?: 'path' | 'confidence';
  offset?: number;
  limit?: number;
  /**
   * The last file of the page before, in the same order: the page starts after it, and `offset`
   * is not used. Every page then costs what the first does, however deep (an offset makes the
   * store order and skip every file before the page).
   */
  after?: ResultsCursor;
}

/** Where a page of results starts: the path and confidence of the file before it. */
export interface ResultsCursor {
  path: string;
  confidence: number;
}

/** The two forms a job's results leave the app in: comma-separated values, or one JSON object a line. */
export type ClassificationExportFormat = 'csv' | 'jsonl';

export interface ClassifyRequests {
  'classify.jobs': { args: Record<string, never>; result: ClassificationJobSummary[] };
  /** Starts classifying every text file under `root` with a finished run's model; progress arrives as job.progress (kind classify, storeId the job's id). */
  'classify.start': { args: { runId: number; root: string; threshold?: number }; result: ClassificationJobSummary };
  'classify.job': { args: { id: number }; result: ClassificationJobDetail };
  'classify.results': { args: ClassificationResultsQuery; result: { total: number; files: ClassifiedFileInfo[] } };
  /** Stores a job's threshold; answers the job with its breakdown recounted from the stored probabilities. */
  'classify.setThreshold': { args: { id: number; threshold: number }; result: ClassificationJobDetail };
  /** A job's results as a file's text, for browser mode to download. */
  'classify.export': { args: { id: number; format: ClassificationExportFormat }; result: { fileName: string; mediaType: string; text: string } };
  /** Writes a job's results where the user picks in the native save dialog (desktop app only); path null when dismissed. */
  'classify.saveExport': { args: { id: number; format: ClassificationExportFormat }; result: { path: string | null } };
  /** Stops a running job; it ends KILLED with the files classified so far. */
  'classify.cancel': { args: { id: number }; result: ClassificationJobSummary };
  'classify.delete': { args: { id: number }; result: { deleted: true } };
  /** One page of the files (and folders, ending in '/') a job left out for one reason. */
  'classify.leftOut': { args: { id: number; reason: string; offset?: number; limit?: number }; result: { total: number; files: string[] } };
  /** A classified file's text, read from the job's folder now (as the evaluation view reads a dataset's files). */
  'classify.file': { args: { id: number; path: string }; result: ClassifiedFileText };
}

export const classifyRequestNames: { [K in keyof ClassifyRequests]: true } = {
  'classify.jobs': true,
  'classify.start': true,
  'classify.job': true,
  'classify.results': true,
  'classify.setThreshold': true,
  'classify.export': true,
  'classify.saveExport': true,
  'classify.cancel': true,
  'classify.delete': true,
  'classify.leftOut': true,
  'classify.file': true,
};
