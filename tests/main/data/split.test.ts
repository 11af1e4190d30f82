import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectSplit, stratifiedSplit } from '../../../main/data/split.ts';

/** `perProject[k]` files in project `p<k>` of the label, with distinct hashes. */
function items(label: string, perProject: number[]): { label: string; sha256: string; project: string | null }[] {
  return perProject.flatMap((n, k) => Array.from({ length: n }, (_, i) => ({ label, sha256: `${label}-${k}-${i}`.padEnd(64, '0'), project: `p${k}` })));
}

/** Asserts every project (one name across classes) has all its files in one split. */
function assertProjectsWhole(all: readonly { project: string | null }[], splits: readonly string[], context = ''): void {
  const where = new Map<string, Set<string>>();
  all.forEach((it, i) => where.set(it.project!, (where.get(it.project!) ?? new Set()).add(splits[i])));
  for (const [project, set] of where) assert.equal(set.size, 1, `${context}${project} is in ${[...set].join(' and ')}`);
}

test('whole projects are held out: no project has files in two splits, whatever its classes, and every split gets some', () => {
  const all = [...items('python', [30, 12, 9, 8, 7, 6, 5, 5, 4, 4, 3, 2, 2, 1, 1, 1]), ...items('java', [20, 20, 15, 10, 10, 8, 6, 5, 3, 2, 1])];
  const { splits, byClass } = projectSplit(all, 42, 0.2, 0.1);
  assert.deepEqual(byClass, { python: 'project', java: 'project' });
  // p0 of python and p0 of java are one project: both are held out together.
  assertProjectsWhole(all, splits);
  for (const label of ['python', 'java']) {
    const mine = splits.filter((_, i) => all[i].label === label);
    for (const split of ['train', 'validation', 'test']) assert.ok(mine.includes(split as never), `${label} has no ${split} files`);
    // The test share stays near its 20 %: whole projects cannot hit it exactly.
    const share = mine.filter((s) => s === 'test').length / mine.length;
    assert.ok(share > 0.1 && share < 0.3, `${label} test share ${share}`);
  }
});

test('the same input and seed give the same split; another seed another one', () => {
  const all = items('go', [9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1]);
  assert.deepEqual(projectSplit(all, 42, 0.2, 0.1), projectSplit([...all], 42, 0.2, 0.1));
  assert.notDeepEqual(projectSplit(all, 42, 0.2, 0.1).splits, projectSplit(all, 7, 0.2, 0.1).splits);
});

test('a class with fewer than three projects is split file by file, as before projects existed', () => {
  const all = [...items('css', [40, 10]), ...items('sql', [5, 5, 5, 5, 5])];
  const { splits, byClass } = projectSplit(all, 42, 0.2, 0.1);
  assert.deepEqual(byClass, { css: 'file', sql: 'project' });
  const perFile = stratifiedSplit(all, 42, 0.2, 0.1);
  all.forEach((it, i) => {
    if (it.label === 'css') assert.equal(splits[i], perFile[i]);
  });
});

test('without projects the split is exactly the per-file one', () => {
  const all = items('c', [50]).map((it) => ({ ...it, project: null }));
  const { splits, byClass } = projectSplit(all, 42, 0.2, 0.1);
  assert.deepEqual(byClass, { c: 'file' });
  assert.deepEqual(splits, stratifiedSplit(all, 42, 0.2, 0.1));
});

test('a project larger than the test share goes to train, not to test', () => {
  const all = items('rust', [60, 10, 10, 10, 10]);
  const { splits } = projectSplit(all, 1, 0.2, 0.1);
  all.forEach((it, i) => {
    if (it.project === 'p0') assert.equal(splits[i], 'train');
  });
});

test('a project with files in several classes lands in one split, in every seed', () => {
  // Shared projects with C files and C++ files, and projects of one language only.
  const shared = ['nmap', 'xerces', 'gcc', 'lua', 'curl', 'openssh'];
  const all = [
    ...shared.flatMap((p, k) => [...Array.from({ length: 4 + k }, (_, i) => ({ label: 'c', sha256: `c-${p}-${i}`.padEnd(64, '0'), project: p })), ...Array.from({ length: 3 + 2 * k }, (_, i) => ({ label: 'cpp', sha256: `cpp-${p}-${i}`.padEnd(64, '0'), project: p }))]),
    ...items('c', [9, 8, 7, 6, 5, 4, 3, 2]).map((it) => ({ ...it, project: `c-only-${it.project}` })),
    ...items('cpp', [10, 8, 6, 5, 4, 3, 2, 1]).map((it) => ({ ...it, project: `cpp-only-${it.project}` })),
  ];
  for (const seed of [1, 2, 3, 42, 99]) {
    const { splits, byClass } = projectSplit(all, seed, 0.2, 0.1);
    assert.deepEqual(byClass, { c: 'project', cpp: 'project' });
    assertProjectsWhole(all, splits, `seed ${seed}: `);
    for (const label of ['c', 'cpp']) {
      const mine = splits.filter((_, i) => all[i].label === label);
      for (const split of ['train', 'validation', 'test']) assert.ok(mine.includes(split as never), `seed ${seed}: ${label} has no ${split} files`);
      const share = mine.filter((s) => s === 'test').length / mine.length;
      assert.ok(share > 0.08 && share < 0.35, `seed ${seed}: ${label} test share ${share}`);
    }
  }
});

