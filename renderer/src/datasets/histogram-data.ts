import type { LengthHistogram } from '../../../preload/contract.ts';
import { formatBytes } from '../lib/format.ts';

/** Bin labels for the x axis: "1 KB–2 KB", or "< 1 B" style for a first bin starting at 0. */
export function binLabels(edges: number[]): string[] {
  return edges.slice(0, -1).map((lo, i) => `${formatBytes(lo)}–${formatBytes(edges[i + 1])}`);
}

/** The histogram without empty bins at either end, so the chart shows only the range in use. */
export function trimEmptyEnds(h: LengthHistogram, labels: string[]): LengthHistogram {
  const bins = Math.max(0, h.edges.length - 1);
  const used = (i: number) => labels.some((l) => (h.counts[l]?.[i] ?? 0) > 0);
  let lo = 0;
  let hi = bins;
  while (lo < hi && !used(lo)) lo++;
  while (hi > lo && !used(hi - 1)) hi--;
  if (lo === hi) return { edges: [], counts: {} };
  return {
    edges: h.edges.slice(lo, hi + 1),
    counts: Object.fromEntries(labels.map((l) => [l, (h.counts[l] ?? []).slice(lo, hi)])),
  };
}
