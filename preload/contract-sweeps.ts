// The part of the bridge contract that defines, runs and watches sweeps: a queue of training runs
// (trials) over a grid of hyperparameter values or seeded random draws from ranges, one trial at a
// time. Merged into `Requests` by contract.ts; a sweep's progress travels as a `sweep` job's
// `job.progress`. Types only (plus the compile-checked name list).

import type { Hyperparameters, ModelSpec, NoArgs, RunStatus } from './contract-common.ts';

/** The numbers a sweep can rank its trials by; val_loss is lower-is-better, the others higher. */
export type SweepMetric = 'val_loss' | 'val_accuracy' | 'test_accuracy' | 'test_macro_f1';

/**
 * One hyperparameter the sweep varies: a list of values (grid), or a range drawn from at random,
 * uniformly or log-uniformly (whole numbers for an int hyperparameter).
 */
export type SweepAxis =
  | { key: keyof Hyperparameters; kind: 'grid'; values: (number | boolean)[] }
  | { key: keyof Hyperparameters; kind: 'range'; low: number; high: number; scale: 'linear' | 'log' };

/**
 * What a sweep trains. With grid axes only, every combination is a trial (a Cartesian product);
 * with any range axis it is a random search: `trials` draws, seeded by `seed`, a grid axis then
 * drawn uniformly from its list.
 */
export interface SweepDefinition {
  name?: string;
  datasetId: number;
  model: ModelSpec;
  /** Execution provider of every trial (cpu unless asked). */
  provider?: string;
  /** Values every trial shares; missing keys take the model kind's defaults. */
  base: Partial<Hyperparameters>;
  axes: SweepAxis[];
  /** Random search only: how many trials. */
  trials?: number;
  /** Random search only: the same seed draws the same trials. */
  seed?: number;
  metric: SweepMetric;
}

export type SweepStatus = 'RUNNING' | 'FINISHED' | 'KILLED' | 'INTERRUPTED';

/**
 * A trial's state: pending (not started), dropped (the sweep was cancelled first), failed (its run
 * could not start; `error` says why), or the status of its run.
 */
export type TrialStatus = 'PENDING' | 'DROPPED' | 'START_FAILED' | RunStatus;

export interface SweepTrial {
  /** Counted from 1, in the order the trials run. */
  index: number;
  /** The values this trial varies (the axes' keys). */
  params: Partial<Hyperparameters>;
  status: TrialStatus;
  runId: number | null;
  /** The sweep's metric for this trial's run; null until it has one. */
  metric: number | null;
  error: string | null;
}

export interface SweepSummary {
  id: number;
  name: string;
  status: SweepStatus;
  datasetId: number | null;
  datasetName: string | null;
  metric: SweepMetric;
  trialsTotal: number;
  trialsDone: number;
  /** The best trial's index and metric so far; null before any trial has the metric. */
  best: { index: number; runId: number; metric: number } | null;
  createdAt: number;
  endedAt: number | null;
  error: string | null;
}

export interface SweepDetail extends SweepSummary {
  definition: SweepDefinition;
  trials: SweepTrial[];
}

/** What a definition expands to, before anything runs. */
export interface SweepPlan {
  trials: Partial<Hyperparameters>[];
  search: 'grid' | 'random';
}

export interface SweepRequests {
  /** Checks and expands a definition without starting it (the form's trial count and errors). */
  'sweeps.plan': { args: SweepDefinition; result: SweepPlan };
  /** Checks the definition (every value against its range), records the sweep and starts its first trial. */
  'sweeps.start': { args: SweepDefinition; result: { sweepId: number } };
  'sweeps.list': { args: NoArgs; result: SweepSummary[] };
  'sweeps.get': { args: { id: number }; result: SweepDetail };
  /** Cancels the trial in flight (its run ends KILLED) and drops the rest; resolves once it has. */
  'sweeps.cancel': { args: { id: number }; result: SweepSummary };
  /** Continues a KILLED or INTERRUPTED sweep with the trials not yet run (an interrupted trial's run resumes from its checkpoint). */
  'sweeps.resume': { args: { id: number }; result: { sweepId: number } };
}

export const sweepRequestNames: { [K in keyof SweepRequests]: true } = {
  'sweeps.plan': true,
  'sweeps.start': true,
  'sweeps.list': true,
  'sweeps.get': true,
  'sweeps.cancel': true,
  'sweeps.resume': true,
};
