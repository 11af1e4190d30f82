/** A chart point; y is null where the metric was NaN or infinite (drawn as a gap). */
export interface XY {
  x: number;
  y: number | null;
}

/**
 * Reduces a long series (x ascending) to at most about 4 points per bucket, keeping each bucket's
 * first, lowest, highest and last point, so spikes and the overall shape survive while chart.js
 * draws a few thousand points instead of 100,000. A bucket holding a gap keeps one null point so
 * the gap still shows.
 */
export function decimateMinMax(points: readonly XY[], buckets: number): XY[] {
  if (points.length <= buckets * 4) return points.slice();
  const out: XY[] = [];
  const size = points.length / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const y = points[i].y;
      if (y === null) {
        if (gap < 0) gap = i;
        continue;
      }
      if (lo < 0 || y < (points[lo].y as number)) lo = i;
      if (hi < 0 || y > (points[hi].y as number)) hi = i;
    }
    const keep = new Set([start, end - 1]);
    if (lo >= 0) keep.add(lo);
    if (hi >= 0) keep.add(hi);
    if (gap >= 0) keep.add(gap);
    for (const i of [...keep].sort((a, c) => a - c)) out.push(points[i]);
  }
  return out;
}
