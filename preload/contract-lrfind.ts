// The learning-rate finder (range test): a short training of a fresh model while the learning rate
// grows exponentially, its loss curve and the suggested learning rate. Merged into `Requests` by
// contract.ts. Types only (plus the compile-checked name list).

import type { Hyperparameters, JobOf, ModelSpec } from './contract-common.ts';

export interface LrFindArgs {
  datasetId: number;
  model: ModelSpec;
  /** The form's values; the finder steps one batch at a time and ignores epochs and warm-up. */
  hyperparameters: Partial<Hyperparameters>;
  /** The ramp, default 1e-7 to 1 over 100 steps. */
  minLr?: number;
  maxLr?: number;
  steps?: number;
}

export interface LrFindPoint {
  lr: number;
  loss: number;
  smoothed: number;
}

/** A finder run's life, as a training run's: RUNNING, then FINISHED, FAILED, KILLED (cancelled) or INTERRUPTED (its process died). */
export type LrFindStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'INTERRUPTED';

/** A stored finder run as lists show it (no curve). */
export interface LrFindSummary {
  id: number;
  status: LrFindStatus;
  /** Null once the dataset is deleted; its name is kept. */
  datasetId: number | null;
  datasetName: string;
  model: ModelSpec;
  minLr: number;
  maxLr: number;
  /** The ramp's length; the curve may end earlier. */
  steps: number;
  /** How many points the curve has. */
  stepsRun: number;
  /** 'diverged' when the smoothed loss grew past 4x its best and the test stopped early. */
  stoppedBy: 'diverged' | null;
  /** What "Use this" fills in: the steepest descent, else minimum/10; null until it ends or when the curve is too short. */
  suggested: number | null;
  startedAt: number;
  endedAt: number | null;
  error: string | null;
}

/** A stored range test with its curve: a run of its own kind, kept in the store (never in the runs list). */
export interface LrFindResult extends LrFindSummary {
  hyperparameters: Hyperparameters;
  points: LrFindPoint[];
  /** Where the smoothed loss falls fastest against log(lr). */
  steepest: number | null;
  /** The learning rate of the lowest smoothed loss, divided by 10. */
  minOver10: number | null;
}

export interface LrFindListArgs {
  /** Only the finder runs of this dataset. */
  datasetId?: number;
  /** Newest first, at most this many (default 20). */
  limit?: number;
}

export interface LrFindRequests {
  /** Starts a range test as a job (kind 'lr.find'), stored as a finder run; its `resultId` is that run's id once done. */
  'lrFind.start': { args: LrFindArgs; result: JobOf<'lr.find'> };
  /** One stored finder run with its curve. */
  'lrFind.result': { args: { id: number }; result: LrFindResult };
  /** Stored finder runs, newest first, and how many there are in all. */
  'lrFind.list': { args: LrFindListArgs; result: { total: number; items: LrFindSummary[] } };
  /** Deletes a finder run that is not running. */
  'lrFind.delete': { args: { id: number }; result: { id: number } };
}

export const lrFindRequestNames: { [K in keyof LrFindRequests]: true } = {
  'lrFind.start': true,
  'lrFind.result': true,
  'lrFind.list': true,
  'lrFind.delete': true,
};
