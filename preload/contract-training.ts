// The part of the bridge contract that starts, watches and uses training runs: the New Run form,
// the live dashboard, the evaluation view and the Try it box. Merged into `Requests`/`Events` by
// contract.ts. Types only (plus the compile-checked name lists).

import type { Hyperparameters, ModelKind, ModelSpec, NoArgs, PredictionRow, PredictionsQuery, RankedLabel, RunProgress, RunSummary } from './contract-common.ts';

/** What checking a pretrained model folder found (a bad folder is an error naming the file). */
export interface ModelCheck {
  path: string;
  architecture: string;
  numLayers: number;
  hiddenSize: number;
  numHeads: number;
  vocabSize: number;
  /** Usable positions (max_position_embeddings less RoBERTa's padding offset). */
  maxPositions: number;
  totalParams: number;
  /** Labels of the classifier head in the checkpoint, or null when it has none. */
  checkpointLabels: number | null;
}

/** Shown on the form before a run starts. */
export interface RunEstimate {
  trainableParams: number;
  totalParams: number;
  /** Peak memory the engine process is expected to need. */
  memoryBytes: number;
  trainFiles: number;
  stepsPerEpoch: number;
  /** The middle of `secondsPerEpochRange`; null when there is no estimate (a provider other than cpu, never measured). */
  secondsPerEpoch: number | null;
  /** How long an epoch is likely to take, lowest to highest. */
  secondsPerEpochRange: [number, number] | null;
  /** The whole run (every epoch, preparing and testing included; early stopping can end it sooner). */
  totalSecondsRange: [number, number] | null;
  /**
   * `measured`: from earlier runs of the same model and length on this machine (`measuredRuns` of
   * them); `scaled`: the FLOP model scaled by how fast `measuredRuns` runs of other models went on
   * this machine; `model`: the FLOP model alone.
   */
  timeBasis: 'measured' | 'scaled' | 'model' | null;
  measuredRuns: number;
  /**
   * Disk the frozen-layer cache will take in the run folder (`cache_frozen_layers`, float16 outputs
   * of the frozen layers for every training and validation file); absent when the run keeps none.
   */
  prefixCacheBytes?: number;
}

export interface RunStartArgs {
  name?: string;
  datasetId: number;
  model: ModelSpec;
  /** Missing keys take the model kind's defaults. */
  hyperparameters: Partial<Hyperparameters>;
  /** onnxruntime execution provider name (cpu, cuda, dml, coreml, webgpu); falls back to cpu with a log line. */
  provider: string;
}

export interface RunLogLine {
  runId: number;
  /** Increases by one per line of a run, so a reconnecting view asks for what it missed. */
  seq: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  time: number;
}

export interface Preset {
  id: number;
  name: string;
  modelKind: ModelKind;
  hyperparameters: Partial<Hyperparameters>;
  createdAt: number;
}

export interface TrainingRequests {
  'models.check': { args: { path: string }; result: ModelCheck };
  'runs.estimate': { args: { datasetId: number; model: ModelSpec; hyperparameters: Partial<Hyperparameters> }; result: RunEstimate };
  'runs.start': { args: RunStartArgs; result: { runId: number } };
  /** Ends the run KILLED; its last checkpoint stays. */
  'runs.cancel': { args: { id: number }; result: RunSummary };
  /** Continues a KILLED, FAILED or INTERRUPTED run from its last checkpoint, under the same id. */
  'runs.resume': { args: { id: number }; result: { runId: number } };
  /** Deletes the run, its metrics and its files (checkpoints, exported model). */
  'runs.delete': { args: { id: number }; result: { id: number } };
  /** Latest progress of every run in progress, so a reloaded page reconnects. */
  'runs.active': { args: NoArgs; result: RunProgress[] };
  'runs.log': { args: { id: number; afterSeq?: number }; result: RunLogLine[] };
  'runs.predictions': { args: PredictionsQuery; result: { rows: PredictionRow[]; total: number } };
  /** Ranked labels for pasted text, with the run's best checkpoint. */
  'runs.predict': { args: { id: number; text: string }; result: RankedLabel[] };
  'presets.list': { args: NoArgs; result: Preset[] };
  'presets.save': { args: { name: string; modelKind: ModelKind; hyperparameters: Partial<Hyperparameters> }; result: Preset };
  'presets.delete': { args: { id: number }; result: { id: number } };
}

/** A run's progress travels as a `run` job's `job.progress` (contract-core.ts); its log lines come here. */
export interface TrainingEvents {
  'run.log': RunLogLine;
}

export const trainingRequestNames: { [K in keyof TrainingRequests]: true } = {
  'models.check': true,
  'runs.estimate': true,
  'runs.start': true,
  'runs.cancel': true,
  'runs.resume': true,
  'runs.delete': true,
  'runs.active': true,
  'runs.log': true,
  'runs.predictions': true,
  'runs.predict': true,
  'presets.list': true,
  'presets.save': true,
  'presets.delete': true,
};
export const trainingEventNames: { [K in keyof TrainingEvents]: true } = { 'run.log': true };
