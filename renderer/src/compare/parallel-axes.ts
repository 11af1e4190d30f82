// The axes of the parallel-coordinates view, and the brushes on them: pure functions so the scale
// rules (which axes appear, linear or log, categories in order) are tested without a browser.

export type ParamValue = number | string | boolean | null;

/** One run as the view draws it: its parameters and its final metrics. */
export interface ParallelRun {
  id: number;
  name: string;
  params: Record<string, ParamValue>;
  metrics: Record<string, number | null>;
}

export interface Axis {
  /** 'param' axes come first, then the 'metric' ones. */
  source: 'param' | 'metric';
  key: string;
  scale: 'linear' | 'log' | 'category';
  /** The category values in axis order (bottom to top), for a category axis. */
  categories: string[];
  min: number;
  max: number;
}

/** A category axis with more values than this is a name, not a hyperparameter: it is left out. */
export const MAX_CATEGORIES = 40;

const ORDER = new Intl.Collator(undefined, { numeric: true });

function valueOf(run: ParallelRun, axis: Pick<Axis, 'source' | 'key'>): ParamValue {
  return axis.source === 'param' ? (run.params[axis.key] ?? null) : (run.metrics[axis.key] ?? null);
}

function axisFor(source: Axis['source'], key: string, values: ParamValue[]): Axis | null {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) return null;
  if (present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const nums = present as number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    // Learning rates and the like span decades: a log axis when all are positive and they span 100x.
    const scale = min > 0 && max / min >= 100 ? 'log' : 'linear';
    return { source, key, scale, categories: [], min, max };
  }
  const categories = [...new Set(present.map(String))].sort(ORDER.compare);
  if (categories.length > MAX_CATEGORIES) return null;
  return { source, key, scale: 'category', categories, min: 0, max: Math.max(0, categories.length - 1) };
}

/**
 * One axis per parameter whose value differs between the runs, then one per metric any run has;
 * numbers on a linear (or, across decades, log) axis, strings and booleans as ordered categories.
 */
export function buildAxes(runs: readonly ParallelRun[]): Axis[] {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(ORDER.compare);
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
  const axes: Axis[] = [];
  for (const key of paramKeys) {
    const values = runs.map((r) => r.params[key] ?? null);
    if (new Set(values.map((v) => JSON.stringify(v))).size < 2) continue;
    const axis = axisFor('param', key, values);
    if (axis) axes.push(axis);
  }
  for (const key of metricKeys) {
    const axis = axisFor('metric', key, runs.map((r) => r.metrics[key] ?? null));
    if (axis) axes.push(axis);
  }
  return axes;
}

/** Where a run sits on an axis, 0 (bottom) to 1 (top); null when it has no value there. */
export function position(axis: Axis, run: ParallelRun): number | null {
  const v = valueOf(run, axis);
  if (v === null) return null;
  if (axis.scale === 'category') {
    const i = axis.categories.indexOf(String(v));
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.scale === 'log') return (Math.log(v) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  return (v - axis.min) / (axis.max - axis.min);
}

/** The value a position on the axis stands for, as tick text. */
export function tickText(axis: Axis, t: number): string {
  if (axis.scale === 'category') return axis.categories[Math.round(t * (axis.categories.length - 1))] ?? '';
  const v = axis.scale === 'log' ? Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min))) : axis.min + t * (axis.max - axis.min);
  return formatValue(v);
}

export function formatValue(v: ParamValue): string {
  if (typeof v !== 'number') return v === null ? '–' : String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** The text of a run's value on an axis, for the hover card. */
export function valueText(axis: Axis, run: ParallelRun): string {
  return formatValue(valueOf(run, axis));
}

/** A brush: the part of one axis, as positions lo..hi (0 bottom, 1 top), that a run must fall in. */
export interface Brush {
  lo: number;
  hi: number;
}

/** True when the run falls inside every brush (a run missing a brushed value does not). */
export function passesBrushes(axes: readonly Axis[], brushes: ReadonlyMap<string, Brush>, run: ParallelRun): boolean {
  for (const axis of axes) {
    const brush = brushes.get(axisId(axis));
    if (!brush) continue;
    const p = position(axis, run);
    if (p === null || p < brush.lo - 1e-9 || p > brush.hi + 1e-9) return false;
  }
  return true;
}

export function axisId(axis: Pick<Axis, 'source' | 'key'>): string {
  return `${axis.source}:${axis.key}`;
}
