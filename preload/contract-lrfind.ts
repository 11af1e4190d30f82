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

/** A finished range test. Kept in memory by the backend (never a run in the runs list), until it restarts. */
export interface LrFindResult {
  id: number;
  datasetId: number;
  model: ModelSpec;
  minLr: number;
  maxLr: number;
  steps: number;
  status: 'FINISHED' | 'KILLED';
  /** 'diverged' when the smoothed loss grew past 4x its best and the test stopped early. */
  stoppedBy: 'diverged' | null;
  points: LrFindPoint[];
  /** Where the smoothed loss falls fastest against log(lr). */
  steepest: number | null;
  /** The learning rate of the lowest smoothed loss, divided by 10. */
  minOver10: number | null;
  /** What "Use this" fills in: the steepest descent, else minimum/10. */
  suggested: number | null;
}

export interface LrFindRequests {
  /** Starts a range test as a job (kind 'lr.find'); its `resultId` is the result's id once done. */
  'lrFind.start': { args: LrFindArgs; result: JobOf<'lr.find'> };
  'lrFind.result': { args: { id: number }; result: LrFindResult };
}

export const lrFindRequestNames: { [K in keyof LrFindRequests]: true } = {
  'lrFind.start': true,
  'lrFind.result': true,
};
