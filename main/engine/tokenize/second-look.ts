// A second look at the files a byte model is unsure of. The model reads a long file's head and tail
// only; when its top probability stays below a threshold, it also reads a few windows spread evenly
// over the whole file, and the file's probabilities become the weighted mean of the log
// probabilities of all its reads, renormalised. The same procedure runs in the run's test report,
// in an evaluation on another dataset and in every classification, so they agree with each other.

/** What an exported model records (`langlab-model.json`'s `second_look`), and what a run applies. */
export interface SecondLook {
  /** Files whose top probability is below this get the extra windows. */
  below: number;
  /** Windows spread over the file (0: no second look). */
  windows: number;
  /** The head-and-tail read counts this many times in the mean; each window counts once. */
  base_weight: number;
}

/** The threshold and weight chosen on the validation split of benchmark v5 (main/trainer/README.md). */
export const SECOND_LOOK_BELOW = 0.99;
export const SECOND_LOOK_BASE_WEIGHT = 2;

/** The second look a run with `second_look_windows` applies; null when it is off. */
export function secondLookFor(windows: number): SecondLook | null {
  return windows > 0 ? { below: SECOND_LOOK_BELOW, windows, base_weight: SECOND_LOOK_BASE_WEIGHT } : null;
}

/**
 * Start offsets of `count` windows `width` long spread evenly over `length` items, the first at 0 and
 * the last at the end; none when the head-and-tail read already covers half of the content or more
 * (length at most 2 x width), where other windows would read little that it has not.
 */
export function spreadOffsets(length: number, width: number, count: number): number[] {
  if (count <= 0 || width <= 0 || length <= 2 * width) return [];
  if (count === 1) return [Math.round((length - width) / 2)];
  return Array.from({ length: count }, (_, k) => Math.round(((length - width) * k) / (count - 1)));
}

/** True when `probs`' top value is below the threshold. */
export function unsure(probs: ArrayLike<number>, look: SecondLook): boolean {
  let top = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > top) top = probs[i];
  return top < look.below;
}

/** The weighted mean of the reads' log probabilities, renormalised to probabilities (float64 inside). */
export function combineLooks(base: ArrayLike<number>, windows: readonly ArrayLike<number>[], look: SecondLook): Float32Array {
  const n = base.length;
  const total = look.base_weight + windows.length;
  const mean = new Float64Array(n);
  // A probability that underflowed to 0 would make the mean -Infinity for every read that has it.
  const log = (p: number) => Math.log(Math.max(p, 1e-30));
  for (let c = 0; c < n; c++) {
    let s = look.base_weight * log(base[c]);
    for (const w of windows) s += log(w[c]);
    mean[c] = s / total;
  }
  let max = -Infinity;
  for (let c = 0; c < n; c++) max = Math.max(max, mean[c]);
  let sum = 0;
  for (let c = 0; c < n; c++) sum += Math.exp(mean[c] - max);
  const out = new Float32Array(n);
  for (let c = 0; c < n; c++) out[c] = Math.exp(mean[c] - max) / sum;
  return out;
}

/**
 * Applies the second look to `probs` (one row per file, replaced in place where it applies):
 * `windowsOf` gets the files the model is unsure of, in order, and gives each one's window rows
 * (none for a file too short to have any); `score` scores all their rows at once. Returns the files
 * that got a second look.
 */
export async function applySecondLook<Row>(
  probs: Float32Array[],
  look: SecondLook,
  windowsOf: (files: number[]) => Row[][] | Promise<Row[][]>,
  score: (rows: Row[]) => Promise<Float32Array[]>,
): Promise<number[]> {
  const unsureFiles = probs.flatMap((p, file) => (unsure(p, look) ? [file] : []));
  if (unsureFiles.length === 0) return [];
  const windows = await windowsOf(unsureFiles);
  const rows: Row[] = [];
  const owners: { file: number; first: number; count: number }[] = [];
  unsureFiles.forEach((file, k) => {
    if (windows[k].length === 0) return;
    owners.push({ file, first: rows.length, count: windows[k].length });
    rows.push(...windows[k]);
  });
  if (rows.length === 0) return [];
  const scored = await score(rows);
  for (const o of owners) probs[o.file] = combineLooks(probs[o.file], scored.slice(o.first, o.first + o.count), look);
  return owners.map((o) => o.file);
}
