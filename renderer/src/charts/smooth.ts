import type { XY } from '../lib/decimate.ts';

/**
 * An exponential moving average of a noisy curve (TensorBoard's smoothing), over x rather than
 * over points: the past fades with distance along the axis, so a stretch with no points (a
 * resumed run, a live run whose history was thinned) does not drag the old level along. The
 * average spans about 1 % of the x range (at least 2.5 typical gaps between points) and starts at
 * the first value, so the start is not pulled toward zero. Gaps stay gaps.
 */
export function smoothEma(points: readonly XY[]): XY[] {
  const xs = points.filter((p) => p.y !== null).map((p) => p.x);
  if (xs.length < 2) return points.slice();
  const gaps = xs.slice(1).map((x, i) => x - xs[i]).sort((a, b) => a - b);
  const span = Math.max((xs[xs.length - 1] - xs[0]) / 100, 2.5 * gaps[gaps.length >> 1]);
  let average: number | undefined;
  let previous = xs[0];
  return points.map((p) => {
    if (p.y === null) return p;
    const keep = Math.exp(-(p.x - previous) / span);
    previous = p.x;
    average = average === undefined ? p.y : keep * average + (1 - keep) * p.y;
    return { x: p.x, y: average };
  });
}
