// The training speed this machine actually reached on the same model and length, when it has
// trained one before. The New Run form's time estimate prefers it to FLOPs: a FLOP model misses
// what small models spend outside matrix products (graph overhead, validation, checkpoints).

import os from 'node:os';
import type { Hyperparameters } from '../../../preload/hyperparameters.ts';
import { measuredRuns, type MeasuredRun } from '../../store/metrics.ts';
import type { StoreDb } from '../../store/store.ts';
import type { RunPlan } from './run-plan.ts';

/** At most this many of the latest matching runs make the range. */
const RUNS_USED = 3;

/** Seconds per optimizer step measured on this machine, at the plan's files per step. */
export interface MeasuredRate {
  /** The fastest and the slowest of the runs used. */
  secondsPerStep: [number, number];
  /**
   * `run`: whole runs were timed (run_seconds over their steps: validation, checkpoints, preparing
   * and testing included). `throughput`: only training windows were (samples_per_s), so validation
   * and the rest are added by rule.
   */
  basis: 'run' | 'throughput';
  /** Whether the runs used had the plan's batch size (otherwise scaled by files per step). */
  sameBatch: boolean;
  runs: number;
}

/** The hyperparameters that decide how fast a file trains, per model kind (batch size is scaled for, not matched). */
function shapeKeys(plan: RunPlan): (keyof Hyperparameters)[] {
  return plan.modelKind === 'scratch'
    ? ['d_model', 'num_layers', 'num_heads', 'dim_feedforward', 'max_length']
    : ['max_length', 'freeze_base_model', 'unfreeze_last_n_layers'];
}

/** What earlier runs of the plan's model and length measured on this host, or null when none did. */
export function measuredRate(db: StoreDb, plan: RunPlan): MeasuredRate | null {
  const hp = plan.hyperparameters;
  const candidates = measuredRuns(db, {
    modelKind: plan.modelKind,
    modelSource: plan.model.kind === 'pretrained' ? plan.model.path : '',
    provider: plan.provider,
    host: os.hostname(),
    params: Object.fromEntries(shapeKeys(plan).map((k) => [k, hp[k]])),
  });
  return rateOf(candidates, hp.batch_size, hp.gradient_accumulation_steps);
}

/** The range from the latest runs, preferring whole-run timings and the same batch size. */
export function rateOf(candidates: readonly MeasuredRun[], batchSize: number, accumulation: number): MeasuredRate | null {
  const filesPerStep = batchSize * accumulation;
  const timed = candidates.filter((r) => r.runSeconds !== null && r.runSeconds > 0 && r.steps !== null && r.steps > 0);
  const basis = timed.length ? 'run' : 'throughput';
  const usable = timed.length ? timed : candidates.filter((r) => r.samplesPerSecond !== null && r.samplesPerSecond > 0);
  if (usable.length === 0) return null;
  const same = usable.filter((r) => r.batchSize === batchSize && r.accumulation === accumulation);
  const used = (same.length ? same : usable).slice(0, RUNS_USED);
  const perStep = used.map((r) => {
    const measuredFilesPerStep = r.batchSize * r.accumulation;
    const seconds = basis === 'run' ? r.runSeconds! / r.steps! : measuredFilesPerStep / r.samplesPerSecond!;
    return (seconds * filesPerStep) / measuredFilesPerStep;
  });
  return { secondsPerStep: [Math.min(...perStep), Math.max(...perStep)], basis, sameBatch: same.length > 0, runs: used.length };
}
