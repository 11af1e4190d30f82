// What a sweep definition expands to: the grid's Cartesian product, or seeded random draws from
// ranges, every value checked against the hyperparameter table (the New Run form's ranges) before
// anything runs. Pure functions: the sweep form shows the trial count and the problems as the user
// types, and the service and the command line refuse the same definitions with the same words.

import type { Hyperparameters, ModelKind } from './contract-common.ts';
import type { SweepAxis, SweepDefinition, SweepMetric } from './contract-sweeps.ts';
import { defaultHyperparameters, HYPERPARAMETERS, rangeText, validateHyperparameters, valueError, type HyperparameterSpec } from './hyperparameters.ts';
import { seededRandom } from './seeded-random.ts';

/** More trials than this is a mistake in the definition, not a sweep anyone waits for on a CPU. */
export const MAX_TRIALS = 500;

/** The metrics a sweep ranks by, in menu order, and which way is better. */
export const SWEEP_METRICS: readonly { key: SweepMetric; label: string; better: 'lower' | 'higher' }[] = [
  { key: 'val_loss', label: 'Best validation loss', better: 'lower' },
  { key: 'val_accuracy', label: 'Best validation accuracy', better: 'higher' },
  { key: 'test_accuracy', label: 'Test accuracy', better: 'higher' },
  { key: 'test_macro_f1', label: 'Test macro F1', better: 'higher' },
];

/** Whether metric value `a` beats `b`. */
export function betterThan(metric: SweepMetric, a: number, b: number): boolean {
  return SWEEP_METRICS.find((m) => m.key === metric)?.better === 'lower' ? a < b : a > b;
}

export interface SweepProblem {
  /** The hyperparameter at fault, when there is one. */
  key: string | null;
  message: string;
}

export interface ExpandedSweep {
  trials: Partial<Hyperparameters>[];
  search: 'grid' | 'random';
  /** Empty when the sweep may start. */
  problems: SweepProblem[];
}

type SpaceInput = Pick<SweepDefinition, 'base' | 'axes' | 'trials' | 'seed'> & { modelKind: ModelKind };

const specOf = (key: string): HyperparameterSpec | undefined => HYPERPARAMETERS.find((s) => s.key === key);



/** A draw from a range axis: whole numbers for an int hyperparameter, 4 significant digits otherwise, always inside the range. */
function draw(axis: Extract<SweepAxis, { kind: 'range' }>, spec: HyperparameterSpec, r: number): number {
  const { low, high } = axis;
  const raw = axis.scale === 'log' ? Math.exp(Math.log(low) + r * (Math.log(high) - Math.log(low))) : low + r * (high - low);
  if (spec.type === 'int') return Math.min(Math.floor(high), Math.max(Math.ceil(low), Math.round(raw)));
  return Math.min(high, Math.max(low, Number(raw.toPrecision(4))));
}

function axisProblems(axis: SweepAxis, kind: ModelKind): SweepProblem[] {
  const spec = specOf(axis.key);
  const key = axis.key;
  if (!spec) return [{ key, message: `There is no hyperparameter "${key}"; see the New Run form or \`langlab train --help\` for the names.` }];
  if (!spec.appliesTo.includes(kind)) return [{ key, message: `${spec.label} (${key}) applies only to ${spec.appliesTo.join(' and ')} models, not to a ${kind} one.` }];
  if (axis.kind === 'grid') {
    if (axis.values.length === 0) return [{ key, message: `The grid of ${spec.label} (${key}) is empty: give it at least one value.` }];
    const out: SweepProblem[] = [];
    for (const v of axis.values) {
      const p = valueError(spec, v);
      if (p) out.push({ key, message: `Grid value ${String(v)} of ${key}: ${p}` });
    }
    if (new Set(axis.values).size !== axis.values.length) out.push({ key, message: `The grid of ${spec.label} (${key}) lists a value twice.` });
    return out;
  }
  if (spec.type === 'bool') return [{ key, message: `${spec.label} (${key}) is on or off: give it a grid (true,false), not a range.` }];
  const out: SweepProblem[] = [];
  for (const [end, v] of [['low', axis.low], ['high', axis.high]] as const) {
    // An int range may have fractional ends; only the whole numbers inside it are drawn.
    const p = valueError(spec, spec.type === 'int' && Number.isFinite(v) ? Math.round(v) : v);
    if (p) out.push({ key, message: `Range ${end} end ${String(v)} of ${key}: ${p}` });
  }
  if (out.length) return out;
  if (!(axis.low < axis.high)) out.push({ key, message: `The range of ${key} must run from a lower to a higher value, got ${axis.low} to ${axis.high}.` });
  else if (axis.scale === 'log' && axis.low <= 0) out.push({ key, message: `A log-uniform range of ${key} must start above 0, got ${axis.low}.` });
  else if (spec.type === 'int' && Math.ceil(axis.low) > Math.floor(axis.high)) out.push({ key, message: `The range ${axis.low} to ${axis.high} of ${key} holds no whole number.` });
  return out;
}

/**
 * Expands a sweep definition into its trials (the values each varies), with every problem found:
 * an unknown or inapplicable key, an empty grid, a value outside its range (named with the range
 * the form shows), a bad range, a trial count out of bounds, or a combination the model refuses.
 */
export function expandSweep(input: SpaceInput): ExpandedSweep {
  const kind = input.modelKind;
  const problems: SweepProblem[] = [];
  const random = input.axes.some((a) => a.kind === 'range');
  const search = random ? 'random' : 'grid';
  if (input.axes.length === 0) problems.push({ key: null, message: 'A sweep varies at least one hyperparameter: add a grid of values or a range.' });
  const seen = new Set<string>();
  for (const axis of input.axes) {
    if (seen.has(axis.key)) problems.push({ key: axis.key, message: `${axis.key} is given twice; give each hyperparameter one grid or one range.` });
    seen.add(axis.key);
    problems.push(...axisProblems(axis, kind));
  }
  if (random) {
    const n = input.trials;
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_TRIALS) {
      problems.push({ key: null, message: `A random search needs a number of trials from 1 to ${MAX_TRIALS}, got ${n === undefined ? 'none' : String(n)}.` });
    }
  } else if (problems.length === 0) {
    const count = input.axes.reduce((n, a) => n * (a.kind === 'grid' ? a.values.length : 1), 1);
    if (count > MAX_TRIALS) problems.push({ key: null, message: `The grid makes ${count} trials; at most ${MAX_TRIALS} are allowed. Use fewer values or a random search.` });
  }
  if (problems.length) return { trials: [], search, problems };

  const trials = random ? randomTrials(input) : gridTrials(input.axes);
  const base = { ...defaultHyperparameters(kind), ...input.base };
  trials.forEach((t, i) => {
    for (const e of validateHyperparameters({ ...base, ...t } as Hyperparameters, kind)) {
      if (problems.length < 5) problems.push({ key: e.key, message: `Trial ${i + 1} (${describeTrial(t)}): ${e.message}` });
    }
  });
  return { trials: problems.length ? [] : trials, search, problems };
}

/** Every combination of the grid axes, the first axis varying slowest. */
function gridTrials(axes: SweepAxis[]): Partial<Hyperparameters>[] {
  let out: Record<string, number | boolean>[] = [{}];
  for (const axis of axes) {
    if (axis.kind !== 'grid') continue;
    out = out.flatMap((t) => axis.values.map((v) => ({ ...t, [axis.key]: v })));
  }
  return out as Partial<Hyperparameters>[];
}

/** `trials` draws, each axis in order from one seeded stream, so the same seed gives the same trials. */
function randomTrials(input: SpaceInput): Partial<Hyperparameters>[] {
  const r = seededRandom(input.seed ?? 0);
  const out: Partial<Hyperparameters>[] = [];
  for (let i = 0; i < (input.trials ?? 0); i++) {
    const t: Record<string, number | boolean> = {};
    for (const axis of input.axes) {
      const u = r();
      t[axis.key] = axis.kind === 'grid' ? axis.values[Math.min(axis.values.length - 1, Math.floor(u * axis.values.length))] : draw(axis, specOf(axis.key)!, u);
    }
    out.push(t as Partial<Hyperparameters>);
  }
  return out;
}

/** `learning_rate=0.001, dropout=0.1`: a trial in one line. */
export function describeTrial(params: Partial<Hyperparameters>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

/** The range text of a hyperparameter, for the sweep form's hints. */
export function sweepRangeHint(key: string): string {
  const spec = specOf(key);
  return spec ? rangeText(spec) : '';
}
