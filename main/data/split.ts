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

/** A class needs this many projects to give test, validation and train at least one each. */
export const MIN_PROJECTS_PER_CLASS = 3;

/** How one class was split: whole projects held out, or file by file (too few projects). */
export type ClassSplitKind = 'project' | 'file';

export interface ProjectSplitResult {
  splits: Split[];
  /** Per label, how it was split. */
  byClass: Record<string, ClassSplitKind>;
}

/**
 * Holds out whole projects: a file's neighbours in its own project share its licence banner,
 * naming and idioms, so a per-file split measures memory of projects, not the language. Within
 * each label, projects (ordered by name, then shuffled with a per-label seed) go to whichever of
 * test and validation still lacks files when taking the project brings that split closer to its
 * share; the rest train. Files without a project count as projects of one file. A label with
 * fewer than MIN_PROJECTS_PER_CLASS named projects is split per file, as `stratifiedSplit` does.
 */
export function projectSplit(
  items: readonly { label: string; sha256: string; project?: string | null }[],
  seed: number,
  testFraction: number,
  validationFraction: number,
): ProjectSplitResult {
  const splits = stratifiedSplit(items, seed, testFraction, validationFraction);
  const byClass: Record<string, ClassSplitKind> = {};
  const byLabel = groupBy(items.map((item, i) => ({ item, i })), (x) => x.item.label);
  for (const [label, members] of byLabel) {
    const named = new Set(members.flatMap((m) => (m.item.project ? [m.item.project] : [])));
    if (named.size < MIN_PROJECTS_PER_CLASS) {
      byClass[label] = 'file';
      continue;
    }
    byClass[label] = 'project';
    const groups = [...groupBy(members, (m) => m.item.project ?? `\u0000${m.item.sha256}`)]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, g]) => g.map((m) => m.i));
    shuffle(groups, seededRandom(subSeed(seed, `project\u0000${label}`)));
    const n = members.length;
    const target = { test: Math.round(n * testFraction), validation: Math.round((n - Math.round(n * testFraction)) * validationFraction) };
    const count = { test: 0, validation: 0, train: 0 };
    const assigned: Split[] = groups.map((g) => {
      for (const split of ['test', 'validation'] as const) {
        const deficit = target[split] - count[split];
        if (deficit > 0 && deficit * 2 >= g.length) {
          count[split] += g.length;
          return split;
        }
      }
      count.train += g.length;
      return 'train';
    });
    // Every split that should have files gets at least one project: the smallest train project.
    for (const split of ['test', 'validation'] as const) {
      if (target[split] === 0 || assigned.includes(split)) continue;
      const train = assigned.flatMap((s, k) => (s === 'train' ? [k] : []));
      if (train.length < 2) continue;
      const smallest = train.reduce((best, k) => (groups[k].length < groups[best].length ? k : best));
      assigned[smallest] = split;
    }
    groups.forEach((g, k) => g.forEach((index) => (splits[index] = assigned[k])));
  }
  return { splits, byClass };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
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
