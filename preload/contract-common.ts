// The primitives every area of the bridge contract shares: statuses, kinds, the summary shapes
// that several areas return, and the job shape (every long operation). Each contract-*.ts area file (and
// hyperparameters.ts) imports only this file, so the contract has no import cycle; contract.ts
// merges the areas. Types only.

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'INTERRUPTED';

export type ModelKind = 'pretrained' | 'scratch';

/** Which model a run trains: the from-scratch transformer or a local Hugging Face folder. */
export type ModelSpec = { kind: 'scratch' } | { kind: 'pretrained'; path: string };

export type DatasetSourceKind = 'folder' | 'csv' | 'jsonl' | 'repositories';

/** No arguments: requests always take an object so that every transport validates the same way. */
export type NoArgs = Record<string, never>;

export interface ClassCount {
  label: string;
  files: number;
  bytes: number;
}

export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

export interface DatasetSummary {
  id: number;
  name: string;
  sourceKind: DatasetSourceKind;
  /** Where it came from, for display: the folder, file or repositories. */
  source: string;
  fingerprint: string;
  classes: ClassCount[];
  splits: SplitCounts;
  /**
   * How validation and test were drawn: whole projects held out ('project'), file by file
   * ('file': the input named no projects, or too few), 'mixed' (some classes had too few
   * projects), or given by the table's split column ('column').
   */
  splitKind: DatasetSplitKind;
  createdAt: number;
}

export type DatasetSplitKind = 'project' | 'file' | 'mixed' | 'column';

export interface RunSummary {
  id: number;
  name: string;
  status: RunStatus;
  datasetId: number | null;
  datasetName: string | null;
  modelKind: ModelKind;
  modelSource: string;
  /** The execution provider the run asked for. */
  provider: string;
  /** The provider its steps actually ran on; null until its engine has started (and for older runs that asked for a GPU). */
  providerUsed: string | null;
  /** Why it runs on another provider than the one it asked for (the CPU fallback), in one line; null when it does not. */
  providerWarning: string | null;
  startTime: number;
  endTime: number | null;
  error: string | null;
  note: string;
  tags: string[];
  /** A few key hyperparameters for the list (learning_rate, batch_size, epochs, max_length). */
  keyParams: Record<string, string | number | boolean | null>;
  /** Latest value of every metric key (NaN and infinity arrive as null). */
  latest: Record<string, number | null>;
  /** The run's own test evaluation in brief, for the list's columns and its warnings; null before there is one. */
  test: TestSummary | null;
}

/** A test evaluation in a few numbers: enough to tell a useful model from one at chance level. */
export interface TestSummary {
  accuracy: number;
  macroF1: number;
  /** How many classes the evaluation had (chance level is 1 / classes). */
  classes: number;
  /** The label predicted most often, and its share of all predictions (near 1 when predictions collapse onto one class). */
  topPredicted: { label: string; share: number };
}

export interface ClassReportRow {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationInfo {
  id: number;
  split: string;
  labels: string[];
  rows: ClassReportRow[];
  macro: Omit<ClassReportRow, 'label'>;
  weighted: Omit<ClassReportRow, 'label'>;
  accuracy: number;
  /** confusion[i][j]: files of true label labels[i] predicted as labels[j]. */
  confusion: number[][];
  createdAt: number;
}

export interface RankedLabel {
  label: string;
  probability: number;
}

/** One test file's prediction, stored at the end of a run. */
export interface PredictionRow {
  /** The file's index in the run's dataset (datasets file APIs take it). */
  fileIndex: number;
  path: string;
  trueLabel: string;
  predictedLabel: string;
  /** The top probabilities, highest first. */
  top: RankedLabel[];
}

export interface PredictionsQuery {
  id: number;
  trueLabel?: string;
  predictedLabel?: string;
  offset?: number;
  limit?: number;
}

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** Where a scan is: starting the worker, the scan's own phases, then saving to the store; an evaluation predicts. */
export type JobPhase = 'start' | 'walk' | 'read' | 'select' | 'near-duplicates' | 'save' | 'predict' | 'done';

/** How far a dataset scan and save, or an evaluation on a dataset, has come. */
export interface ScanJobProgress {
  phase: JobPhase;
  filesSeen: number;
  bytesSeen: number;
  current: string | null;
  /** How much of the phase is done, 0-1, when the phase knows its total (saving); null otherwise. */
  fraction: number | null;
}

/** One language in a classification job's breakdown (files at or above the job's threshold). */
export interface ClassificationBreakdownRow {
  label: string;
  files: number;
  bytes: number;
  /** Of those files, how many have an extension that names another of the model's languages. */
  disagree: number;
}

/** How far a classification job has come: the counts its page shows, so the page need not query the store on each update. */
export interface ClassifyJobProgress {
  /** Files to classify, known once the folder has been walked (0 before). */
  filesTotal: number;
  /** Files the walk has found so far, while `filesTotal` is still 0 (a large tree takes a while to walk). */
  filesFound: number;
  filesDone: number;
  filesSkipped: number;
  /** Most files first. */
  breakdown: ClassificationBreakdownRow[];
  /** Files whose extension names one of the model's languages. */
  withExtensionLabel: number;
  /** Files whose extension names another of the model's languages than the one predicted. */
  disagreements: number;
  /** Files at or above the threshold whose extension names a language the model has no label for. */
  withOtherLanguage: number;
  /** Files whose top probability is below the job's threshold: counted here, in no language of `breakdown`. */
  unknown: { files: number; bytes: number };
  /** Files done per second over the last few seconds; null until the first batch is done. */
  filesPerSecond: number | null;
  /** Seconds left at that rate; null while unknown. */
  etaSeconds: number | null;
}

/** `preparing` and `caching` (the frozen-layer cache being filled) count files in step/totalSteps; the others count optimizer steps. */
export type RunPhase = 'preparing' | 'caching' | 'training' | 'validating' | 'testing' | 'finished';

/** Whether a run phase counts files rather than optimizer steps in step/totalSteps. */
export function phaseCountsFiles(phase: RunPhase): boolean {
  return phase === 'preparing' || phase === 'caching';
}

/** How far a training run has come; it travels as a `run` job's progress (`job.progress`), a few updates a second at most. */
export interface RunProgress {
  runId: number;
  phase: RunPhase;
  /** The epoch in progress, counted from 1 (0 while preparing). */
  epoch: number;
  epochs: number;
  /** Optimizer steps done so far, and in all. */
  step: number;
  totalSteps: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  learningRate: number | null;
  samplesPerSecond: number | null;
  etaSeconds: number | null;
  elapsedSeconds: number;
}

/** How far a sweep has come: its trials so far and the run training now. */
export interface SweepJobProgress {
  sweepId: number;
  trialsTotal: number;
  /** Trials whose run has ended (finished, failed or killed). */
  trialsDone: number;
  /** The trial training now (counted from 1) and its run; null between trials. */
  trial: number | null;
  runId: number | null;
}

/** Each kind of job and the progress it reports. */
export interface JobProgressByKind {
  'dataset.add': ScanJobProgress;
  'dataset.build': ScanJobProgress;
  'run.evaluate': ScanJobProgress;
  classify: ClassifyJobProgress;
  run: RunProgress;
  sweep: SweepJobProgress;
  'lr.find': LrFindProgress;
}

/** The learning-rate finder job's progress (contract-lrfind.ts). */
export interface LrFindProgress {
  phase: 'preparing' | 'training';
  step: number;
  steps: number;
  lr: number | null;
  loss: number | null;
}

export type JobKind = keyof JobProgressByKind;

/** A long operation of one kind: what every job has, and that kind's progress. */
export type JobOf<K extends JobKind> = {
  jobId: string;
  kind: K;
  title: string;
  status: JobStatus;
  startedAt: number;
  endedAt: number | null;
  error: string | null;
  /** The store row the job writes as it runs (a classification job's or a run's id); null for a job that lives in memory until it is done. */
  storeId: number | null;
  /** What the job made (a dataset, an evaluation, the classification job), once done. */
  resultId: number | null;
} & JobProgressByKind[K];

/** Any long operation (a dataset scan, an evaluation on a dataset, a classification job, a training run), its progress and its end. */
export type JobInfo = { [K in JobKind]: JobOf<K> }[JobKind];

/** A dataset scan or an evaluation on a dataset: the jobs whose progress is a phase and counters. */
export type ScanJobInfo = JobOf<'dataset.add' | 'dataset.build' | 'run.evaluate'>;

/** Every hyperparameter a run takes; hyperparameters.ts holds each one's default, range and help. */
export interface Hyperparameters {
  max_length: number;
  batch_size: number;
  epochs: number;
  learning_rate: number;
  warmup_ratio: number;
  max_grad_norm: number;
  early_stopping_patience: number;
  validation_split: number;
  freeze_base_model: boolean;
  unfreeze_last_n_layers: number;
  /**
   * Compute the frozen embeddings and lower layers once per training file and train later epochs from
   * that cache (dropout off in those layers); runs stored before it recomputed them every epoch.
   */
  cache_frozen_layers: boolean;
  weight_decay: number;
  dropout: number;
  /** Dropout on attention probabilities; runs stored before it existed used `dropout` there (see `storedHyperparameters`). */
  attention_dropout: number;
  /** Share of the target spread evenly over the classes in the training loss; 0 = plain one-hot targets (runs stored before it). */
  label_smoothing: number;
  gradient_accumulation_steps: number;
  seed: number;
  /** Validate every K optimizer steps as well as at each epoch's end; 0 = only at epoch ends. */
  eval_every_steps: number;
  // From-scratch model sizes (ignored for pretrained models).
  d_model: number;
  num_layers: number;
  num_heads: number;
  dim_feedforward: number;
  /** Pool the masked maximum beside the mean; runs stored before it existed pooled the mean only. */
  max_pooling: boolean;
  /** Buckets of the hashed n-gram embedding table; 0 = none (runs stored before it existed had none). */
  ngram_buckets: number;
  /** Train on windows drawn anew each epoch instead of the fixed head and tail; runs stored before it had none. */
  random_windows: boolean;
  /** Buckets of the file's n-gram profile the classifier reads beside the window; 0 = none (runs stored before it). */
  profile_buckets: number;
  /** Share of training files a byte model reads with A-Z folded to lower case, drawn anew each epoch; 0 = none (runs stored before it). */
  lowercase_share: number;
  /** Share of training files a byte model reads as a few of their lines, drawn anew each epoch; 0 = none (runs stored before it). */
  snippet_share: number;
  /** Share of training files a byte model reads with their indentation written the other way (tabs as spaces, spaces as tabs), drawn anew each epoch; 0 = none (runs stored before it). */
  reindent_share: number;
  /** Tempering of each project's weight in the epoch's draws (a file weighs n^-a in a project of n); 0 draws every file once (runs stored before it). */
  project_balance: number;
  /** Windows spread over a long file that a byte model also reads when it is unsure of the file; 0 = none (runs stored before it). */
  second_look_windows: number;
  /** After the model's reads, move an answer between TypeScript and JavaScript, or C and C++, where the file's whole text says which it is (false for runs stored before it). */
  syntax_rules: boolean;
  /** Decay of the running weight average that validation scores and the export keeps; 0 keeps the latest weights (runs stored before it). */
  ema_decay: number;
  /** On a GPU provider, float16 compute with float32 master weights and dynamic loss scaling; the CPU trains in float32. */
  mixed_precision: boolean;
}
