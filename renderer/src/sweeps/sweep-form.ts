import type { HyperparameterKey, ModelKind, SweepAxis } from '../../../preload/contract.ts';
import { HYPERPARAMETERS, parseDecimal } from '../../../preload/hyperparameters.ts';

/** One row of the sweep form as typed: a hyperparameter with a list of values or a range. */
export interface AxisRow {
  key: HyperparameterKey;
  mode: 'grid' | 'range';
  /** Grid: values separated by commas ("1e-3, 2e-3"); switches take true/false. */
  values: string;
  low: string;
  high: string;
  log: boolean;
}

/** The hyperparameters a sweep of this model kind can vary, in form order. */
export function sweepableKeys(kind: ModelKind): { key: HyperparameterKey; label: string; bool: boolean }[] {
  return HYPERPARAMETERS.filter((s) => s.appliesTo.includes(kind)).map((s) => ({ key: s.key, label: s.label, bool: s.type === 'bool' }));
}

/** A new row for a key: switches list both values; numbers start from the default, as a range when they are learning rates. */
export function newAxisRow(key: HyperparameterKey, kind: ModelKind): AxisRow {
  const spec = HYPERPARAMETERS.find((s) => s.key === key)!;
  const d = spec.defaults[kind];
  if (spec.type === 'bool') return { key, mode: 'grid', values: 'true, false', low: '', high: '', log: false };
  const [low, high] = startingRange(spec.type === 'int', Number(d), spec.min ?? 0, spec.max ?? Number(d) * 10);
  return { key, mode: 'grid', values: String(d), low: String(low), high: String(high), log: key === 'learning_rate' };
}

/** A range around the default to start from: a tenth to ten times it for a positive number, halved to doubled for a count. */
function startingRange(int: boolean, d: number, min: number, max: number): [number, number] {
  if (d <= 0) return [min, int ? Math.min(max, 100) : max];
  if (int) return [Math.max(min, Math.floor(d / 2)), Math.min(max, d * 2)];
  return [Number((d / 10).toPrecision(4)), Math.min(max, Number((d * 10).toPrecision(4)))];
}

/**
 * The rows as the service takes them, or the first text that is not a number (naming the row).
 * Ranges, counts and emptiness are checked by `expandSweep`, with the service's words.
 */
export function rowsToAxes(rows: AxisRow[]): { axes: SweepAxis[]; error: string | null } {
  const axes: SweepAxis[] = [];
  for (const row of rows) {
    const spec = HYPERPARAMETERS.find((s) => s.key === row.key)!;
    if (row.mode === 'range') {
      const low = parseDecimal(row.low);
      const high = parseDecimal(row.high);
      if (Number.isNaN(low) || Number.isNaN(high)) return { axes: [], error: `The range of ${row.key} needs two numbers, got "${row.low}" and "${row.high}".` };
      axes.push({ key: row.key, kind: 'range', low, high, scale: row.log ? 'log' : 'linear' });
      continue;
    }
    const parts = row.values.split(',').map((v) => v.trim()).filter((v) => v !== '');
    const values: (number | boolean)[] = [];
    for (const p of parts) {
      if (spec.type === 'bool') {
        if (p !== 'true' && p !== 'false') return { axes: [], error: `${row.key} takes true or false, got "${p}".` };
        values.push(p === 'true');
      } else {
        const v = parseDecimal(p);
        if (Number.isNaN(v)) return { axes: [], error: `"${p}" in the values of ${row.key} is not a number.` };
        values.push(v);
      }
    }
    axes.push({ key: row.key, kind: 'grid', values });
  }
  return { axes, error: null };
}
