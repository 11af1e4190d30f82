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
  /** The second run's model when the job compares two runs (each file read once, classified by both); null for one model. */
  second: { runId: number | null; runName: string | null; modelPath: string } | null;
  /** The precision the model(s) ran in: float32, or int8 (the run's int8 export; both models of a two-run job). */
  precision: ClassifyPrecision;
}

/** How a job's model computes: float32 as trained, or its linear layers in int8 (faster, within 0.1 point on the test split). */
export type ClassifyPrecision = 'float32' | 'int8';

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
  /** The second model's prediction, in a job comparing two runs. */
  second?: SecondPrediction;
}

/** What the second model of a two-run job made of a file. */
export interface SecondPrediction {
  label: string;
  confidence: number;
  top: RankedLabel[];
  /** Whether the two top labels are the same; null when either is a label the other model does not have (not compared). */
  agree: boolean | null;
}

/** One model's side of a two-run job: its run and its breakdown by top label (whatever the confidence). */
export interface ComparedModel {
  runId: number | null;
  runName: string | null;
  modelPath: string;
  labels: string[];
  breakdown: { label: string; files: number; bytes: number }[];
}

/** How the two models of a job compare over the files both classified. */
export interface ClassificationComparison {
  a: ComparedModel;
  b: ComparedModel;
  /** Labels both models have; only these are compared. */
  shared: string[];
  onlyA: string[];
  onlyB: string[];
  /** Files both models classified with labels the other also has. */
  compared: number;
  /** Of those, the files whose two top labels differ. */
  disagreements: number;
  /** Files where one model's top label is one the other lacks: neither agreement nor disagreement. */
  outsideShared: number;
}

export interface DisagreementsQuery {
  id: number;
  /** Only files where either model says this label. */
  label?: string;
  /** 'path' (default), or 'confidence' (files both models are surest of first). */
  sort?: 'path' | 'confidence';
  offset?: number;
  limit?: number;
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
  /**
   * Starts classifying every text file under `root` with a finished run's model (and a second run's, to compare them); progress arrives as job.progress (kind classify, storeId the job's id).
   * `precision` int8 runs each run's int8 export (written once per run, beside its model; refused, naming the run, where int8 is not offered: a fine-tuned run or one without checkpoints); float32 runs the float models. Absent: int8 on CPUs with VNNI (where its accuracy was measured) when every run of the job can have an int8 export, else float32. The job records the precision it ran in.
   */
  'classify.start': { args: { runId: number; root: string; threshold?: number; secondRunId?: number; precision?: ClassifyPrecision }; result: ClassificationJobSummary };
  /** A two-run job's side-by-side breakdowns and agreement counts. */
  'classify.comparison': { args: { id: number }; result: ClassificationComparison };
  /** One page of the files where a two-run job's models disagree (over the labels both have), each with both predictions. */
  'classify.disagreements': { args: DisagreementsQuery; result: { total: number; files: ClassifiedFileInfo[] } };
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
  'classify.comparison': true,
  'classify.disagreements': true,
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
