import type { LengthHistogram } from '../../preload/contract.ts';

/**
 * File sizes per class on one set of power-of-two byte edges, so classes can be compared bin by
 * bin; sizes span several orders of magnitude, which equal-width bins would squash into one bar.
 */
export function lengthHistogram(files: Iterable<{ label: string; size: number }>): LengthHistogram {
  const sizes = new Map<string, number[]>();
  let min = Infinity;
  let max = -Infinity;
  for (const { label, size } of files) {
    let list = sizes.get(label);
    if (!list) sizes.set(label, (list = []));
    list.push(size);
    min = Math.min(min, size);
    max = Math.max(max, size);
  }
  if (sizes.size === 0) return { edges: [], counts: {} };
  const edges = [0];
  let edge = 1;
  while (edge * 2 <= Math.max(1, min)) edge *= 2;
  if (min > 0) edges[0] = edge;
  else edges.push(edge);
  while (edge <= max) edges.push((edge *= 2));
  const counts: Record<string, number[]> = {};
  for (const label of [...sizes.keys()].sort()) {
    const bins = new Array<number>(edges.length - 1).fill(0);
    for (const size of sizes.get(label)!) bins[binOf(edges, size)]++;
    counts[label] = bins;
  }
  return { edges, counts };
}

function binOf(edges: number[], size: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= size) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
