// The training speed this machine actually reached on the same model shape, when it has trained
// one before: the median samples_per_s of the latest such run. The estimate prefers it to FLOPs.

import os from 'node:os';
import type { Hyperparameters } from '../../../preload/hyperparameters.ts';
import { latestSamplesPerSecond } from '../../store/metrics.ts';
import type { StoreDb } from '../../store/store.ts';
import type { RunPlan } from './run-plan.ts';

/** The hyperparameters that decide how fast a step is, per model kind. */
function shapeKeys(plan: RunPlan): (keyof Hyperparameters)[] {
  return plan.modelKind === 'scratch'
    ? ['d_model', 'num_layers', 'num_heads', 'dim_feedforward', 'max_length', 'batch_size']
    : ['max_length', 'batch_size', 'freeze_base_model', 'unfreeze_last_n_layers'];
}

/** Samples per second measured on this host for the same model shape, or null when none was. */
export function measuredSamplesPerSecond(db: StoreDb, plan: RunPlan): number | null {
  return latestSamplesPerSecond(db, {
    modelKind: plan.modelKind,
    modelSource: plan.model.kind === 'pretrained' ? plan.model.path : '',
    provider: plan.provider,
    host: os.hostname(),
    params: Object.fromEntries(shapeKeys(plan).map((k) => [k, plan.hyperparameters[k]])),
  });
}
