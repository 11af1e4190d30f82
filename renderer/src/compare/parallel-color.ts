// Colouring the parallel-coordinates lines by a final metric: a sequential scale from the metric's
// worst value to its best, so the runs that did well stand out (and are drawn on top). Pure
// functions, tested without a browser.
import { position, type Axis, type ParallelRun } from './parallel-axes.ts';

/**
 * The scale's stops, worst to best: a purple-teal-green ramp (after viridis) kept to middle
 * lightness, so both ends read on the light and the dark theme's panel.
 */
export const SEQUENTIAL_STOPS = ['#6a3d9a', '#3f6fb0', '#2a9d8f', '#5bb85c', '#a4c93c'] as const;

/** Metrics where a lower value is the better one. */
export function lowerIsBetter(key: string): boolean {
  return /loss|error/i.test(key);
}

/** The colour of a position 0 (worst) to 1 (best) on the scale, as #rrggbb. */
export function sequentialColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (SEQUENTIAL_STOPS.length - 1);
  const i = Math.min(SEQUENTIAL_STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = rgb(SEQUENTIAL_STOPS[i]);
  const b = rgb(SEQUENTIAL_STOPS[i + 1]);
  return `#${a.map((v, k) => Math.round(v + (b[k] - v) * f).toString(16).padStart(2, '0')).join('')}`;
}

function rgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** The metric axes a user can colour by: the numeric ones. */
export function colorableAxes(axes: readonly Axis[]): Axis[] {
  return axes.filter((a) => a.source === 'metric' && a.scale !== 'category');
}

/** The metric to colour by when the user has not chosen: the first whose value differs between runs, else the first. */
export function defaultColorAxis(axes: readonly Axis[]): Axis | null {
  const metrics = colorableAxes(axes);
  return metrics.find((a) => a.max > a.min) ?? metrics[0] ?? null;
}

/** How good a run is on the axis, 0 (worst) to 1 (best); null when it has no value there. */
export function goodness(axis: Axis, run: ParallelRun): number | null {
  const p = position(axis, run);
  if (p === null) return null;
  return lowerIsBetter(axis.key) ? 1 - p : p;
}

/** A run's line colour by the axis, or null (no value: drawn in the neutral colour). */
export function runColor(axis: Axis, run: ParallelRun): string | null {
  const g = goodness(axis, run);
  return g === null ? null : sequentialColor(g);
}
