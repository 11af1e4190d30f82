import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextSort, sortRows } from '../../../renderer/src/lib/table-sort.ts';

test('numbers and names sort both ways with missing values last either way', () => {
  const rows = [{ v: 0.3 }, { v: null }, { v: 0.1 }, { v: Number.NaN }, { v: 0.2 }];
  assert.deepEqual(sortRows(rows, (r) => r.v, 'asc').map((r) => r.v).slice(0, 3), [0.1, 0.2, 0.3]);
  assert.deepEqual(sortRows(rows, (r) => r.v, 'desc').map((r) => r.v).slice(0, 3), [0.3, 0.2, 0.1]);
  const names = sortRows([{ n: 'run-10' }, { n: 'Run-9' }, { n: 'run-1' }], (r) => r.n, 'asc').map((r) => r.n);
  assert.deepEqual(names, ['run-1', 'Run-9', 'run-10']);
});

test('clicking the sorted column flips it; another column starts with the given direction', () => {
  assert.deepEqual(nextSort({ key: 'a', direction: 'asc' }, 'a'), { key: 'a', direction: 'desc' });
  assert.deepEqual(nextSort<'a' | 'b'>({ key: 'a', direction: 'asc' }, 'b', 'desc'), { key: 'b', direction: 'desc' });
});
