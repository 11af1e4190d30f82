// The training speed this machine actually reached on the same model and length, when it has
// trained one before. The New Run form's time estimate prefers it to FLOPs: a FLOP model misses
// what small models spend outside matrix products (graph overhead, validation, checkpoints).

import os from 'node:os';
import { HYPERPARAMETERS, type Hyperparameters } from '../../../preload/hyperparameters.ts';
import { measuredRuns, timedRuns, type MeasuredRun } from '../../store/metrics.ts';
import type { StoreDb } from '../../store/store.ts';
import { planRun, type RunPlan } from './run-plan.ts';

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
    : ['max_length', 'freeze_base_model', 'unfreeze_last_n_layers', 'cache_frozen_layers'];
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

/** How much slower (above 1) or faster than the FLOP model this machine ran earlier runs of any model. */
export interface MachineFactor {
  factor: number;
  runs: number;
}

/**
 * The median, over the latest runs this host timed on `provider`, of their measured seconds per
 * step against what `modelSecondsPerStep` says for the same plan; null when none can be compared
 * (no timed run, or its dataset or model folder is gone). It carries a measurement on one model
 * over to another, which the FLOP model alone misses by the machine's speed and load.
 */
export function machineFactor(db: StoreDb, provider: string, modelSecondsPerStep: (plan: RunPlan) => number | null): MachineFactor | null {
  const ratios: number[] = [];
  for (const run of timedRuns(db, os.hostname(), provider)) {
    try {
      const hyperparameters = Object.fromEntries(HYPERPARAMETERS.filter((s) => s.key in run.params).map((s) => [s.key, run.params[s.key]]));
      const model = run.modelKind === 'pretrained' ? { kind: 'pretrained' as const, path: run.modelSource } : { kind: 'scratch' as const };
      const modelled = modelSecondsPerStep(planRun(db, { datasetId: run.datasetId, model, hyperparameters, provider }));
      if (modelled !== null && modelled > 0) ratios.push(run.runSeconds / run.steps / modelled);
    } catch {
      // A run whose dataset or model folder is gone, or whose settings no longer validate: not comparable.
    }
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const middle = ratios.length / 2;
  const factor = ratios.length % 2 ? ratios[Math.floor(middle)] : Math.sqrt(ratios[middle - 1] * ratios[middle]);
  return { factor, runs: ratios.length };
}
