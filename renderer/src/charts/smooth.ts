import type { XY } from '../lib/decimate.ts';

/**
 * An exponential moving average of a noisy curve (TensorBoard's smoothing): each point weighs the
 * past by `weight`, debiased so the start is not pulled toward zero. Gaps stay gaps. By default
 * the average spans about 2 % of the points (at least 5), so a 100,000-step history is smoothed as
 * much on screen as a 30-point one.
 */
export function smoothEma(points: readonly XY[], weight = 1 - 2 / (Math.max(5, points.length / 50) + 1)): XY[] {
  let average = 0;
  let n = 0;
  return points.map((p) => {
    if (p.y === null) return p;
    average = weight * average + (1 - weight) * p.y;
    n++;
    return { x: p.x, y: average / (1 - weight ** n) };
  });
}
