import type { XY } from '../lib/decimate.ts';

/**
 * An exponential moving average of a noisy curve (TensorBoard's smoothing): each point weighs the
 * past by `weight`, debiased so the start is not pulled toward zero. Gaps stay gaps.
 */
export function smoothEma(points: readonly XY[], weight = 0.8): XY[] {
  let average = 0;
  let n = 0;
  return points.map((p) => {
    if (p.y === null) return p;
    average = weight * average + (1 - weight) * p.y;
    n++;
    return { x: p.x, y: average / (1 - weight ** n) };
  });
}
