import { seededRandom, shuffle, subSeed } from './rng.ts';
import type { Split } from './types.ts';

export const DEFAULT_SEED = 42;
export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_VALIDATION_FRACTION = 0.1;

/**
 * Stratified, seeded assignment: within each label, files ordered by content hash (so the walk
 * order does not matter) are shuffled with a per-label seed; the first round(n*test) go to test,
 * then round(rest*validation) to validation, the remainder to train.
 */
export function stratifiedSplit(
  items: readonly { label: string; sha256: string }[],
  seed: number,
  testFraction: number,
  validationFraction: number,
): Split[] {
  const byLabel = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = byLabel.get(item.label);
    if (list) list.push(i);
    else byLabel.set(item.label, [i]);
  });
  const splits = new Array<Split>(items.length);
  for (const [label, indices] of byLabel) {
    indices.sort((a, b) => (items[a].sha256 < items[b].sha256 ? -1 : items[a].sha256 > items[b].sha256 ? 1 : a - b));
    shuffle(indices, seededRandom(subSeed(seed, label)));
    const n = indices.length;
    const nTest = Math.round(n * testFraction);
    const nValidation = Math.round((n - nTest) * validationFraction);
    indices.forEach((index, k) => {
      splits[index] = k < nTest ? 'test' : k < nTest + nValidation ? 'validation' : 'train';
    });
  }
  return splits;
}

const SPLIT_NAMES: Record<string, Split> = {
  train: 'train',
  training: 'train',
  validation: 'validation',
  valid: 'validation',
  val: 'validation',
  dev: 'validation',
  test: 'test',
  testing: 'test',
};

/** A split column value in any common spelling, or null when it is not one. */
export function parseSplitName(value: string): Split | null {
  return SPLIT_NAMES[value.trim().toLowerCase()] ?? null;
}
