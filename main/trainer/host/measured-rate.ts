// The training speed this machine actually reached on the same model shape, when it has trained
// one before: the median samples_per_s of the latest such run. The estimate prefers it to FLOPs.

import os from 'node:os';
import type Database from 'better-sqlite3';
import type { Hyperparameters } from '../../../preload/hyperparameters.ts';
import type { RunPlan } from './run-plan.ts';

/** The hyperparameters that decide how fast a step is, per model kind. */
function shapeKeys(plan: RunPlan): (keyof Hyperparameters)[] {
  return plan.modelKind === 'scratch'
    ? ['d_model', 'num_layers', 'num_heads', 'dim_feedforward', 'max_length', 'batch_size']
    : ['max_length', 'batch_size', 'freeze_base_model', 'unfreeze_last_n_layers'];
}

/** Samples per second measured on this host for the same model shape, or null when none was. */
export function measuredSamplesPerSecond(db: Database.Database, plan: RunPlan): number | null {
  const keys = shapeKeys(plan);
  const where = keys.map(() => `EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ? AND p.value = ?)`).join(' AND ');
  const args = keys.flatMap((k) => [k, JSON.stringify(plan.hyperparameters[k])]);
  const source = plan.model.kind === 'pretrained' ? plan.model.path : '';
  const run = db
    .prepare(
      `SELECT r.id FROM runs r WHERE r.model_kind = ? AND r.model_source = ? AND r.provider = ? AND r.owner_host = ? AND ${where}
         AND EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id AND m.key = 'samples_per_s')
       ORDER BY r.start_time DESC LIMIT 1`,
    )
    .pluck()
    .get(plan.modelKind, source, plan.provider, os.hostname(), ...args) as number | undefined;
  if (run === undefined) return null;
  const values = (db.prepare(`SELECT value FROM metrics WHERE run_id = ? AND key = 'samples_per_s' AND value > 0 ORDER BY value`).pluck().all(run) as number[]);
  return values.length ? values[Math.floor(values.length / 2)] : null;
}
