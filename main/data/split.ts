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
 * naming and idioms, so a per-file split measures memory of projects, not the language. A project
 * is one name across every class: its C files and its C++ files go to the same split, or the model
 * would learn the project's style from one language in training and be tested on it in another
 * (benchmark v5 trained on nmap's and Xerces-C's C files and tested on their C++ files, and read
 * those as C). Projects (ordered by name, then shuffled with the seed) go to whichever of test and
 * validation still lacks files when taking the project brings that split closer to its share over
 * the classes the project has (the sum of each class's squared gap, relative to the class's size,
 * shrinks: for a project of one class, when it is at most twice what the split lacks); the rest
 * train. Files without a project count as projects of one file. A label with fewer than
 * MIN_PROJECTS_PER_CLASS named projects is split per file, as `stratifiedSplit` does, whatever
 * other classes do with its projects.
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
  const held: { item: (typeof items)[number]; i: number }[] = [];
  const target = new Map<string, Record<'test' | 'validation', number>>();
  for (const [label, members] of byLabel) {
    const named = new Set(members.flatMap((m) => (m.item.project ? [m.item.project] : [])));
    byClass[label] = named.size < MIN_PROJECTS_PER_CLASS ? 'file' : 'project';
    if (byClass[label] === 'file') continue;
    held.push(...members);
    const n = members.length;
    const nTest = Math.round(n * testFraction);
    target.set(label, { test: nTest, validation: Math.round((n - nTest) * validationFraction) });
  }
  // A project: its files' indices per label. Unnamed files are projects of one file.
  const groups = [...groupBy(held, (m) => (m.item.project ? `p\u0000${m.item.project}` : `f\u0000${m.item.label}\u0000${m.item.sha256}`))]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, g]) => groupBy(g, (m) => m.item.label));
  shuffle(groups, seededRandom(subSeed(seed, 'project')));
  const count = new Map([...target.keys()].map((l) => [l, { test: 0, validation: 0, train: 0 }]));
  const size = (label: string) => byLabel.get(label)!.length;
  /** How much closer to its shares over the project's classes `split` gets by taking it (below 0: further away); null when none of them lacks files. */
  const gain = (g: Map<string, unknown[]>, split: 'test' | 'validation'): number | null => {
    let sum = 0;
    let lacking = false;
    for (const [label, files] of g) {
      const deficit = target.get(label)![split] - count.get(label)![split];
      if (deficit > 0) lacking = true;
      sum += (deficit * deficit - (deficit - files.length) ** 2) / size(label) ** 2;
    }
    return lacking ? sum : null;
  };
  const assigned: Split[] = groups.map((g) => {
    for (const split of ['test', 'validation'] as const) {
      const closer = gain(g, split);
      if (closer !== null && closer >= 0) {
        for (const [label, files] of g) count.get(label)![split] += files.length;
        return split;
      }
    }
    for (const [label, files] of g) count.get(label)!.train += files.length;
    return 'train';
  });
  // Every split that should have a class's files gets at least one of its projects: the smallest of
  // its training projects whose move leaves each of that project's classes a training project.
  for (const [label, t] of target) {
    for (const split of ['test', 'validation'] as const) {
      if (t[split] === 0 || assigned.some((s, k) => s === split && groups[k].has(label))) continue;
      const trainOf = (l: string) => assigned.flatMap((s, k) => (s === 'train' && groups[k].has(l) ? [k] : []));
      const movable = trainOf(label)
        .filter((k) => [...groups[k].keys()].every((l) => trainOf(l).length >= 2))
        .sort((a, b) => groups[a].get(label)!.length - groups[b].get(label)!.length || a - b);
      if (movable.length > 0) assigned[movable[0]] = split;
    }
  }
  groups.forEach((g, k) => {
    for (const members of g.values()) for (const m of members) splits[m.i] = assigned[k];
  });
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
