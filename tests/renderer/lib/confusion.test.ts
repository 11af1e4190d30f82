import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixMax, normaliseRows } from '../../../renderer/src/lib/confusion.ts';

test('rows are normalised to their totals and an empty row stays zero', () => {
  assert.deepEqual(normaliseRows([[3, 1], [0, 0]]), [[0.75, 0.25], [0, 0]]);
  assert.equal(matrixMax([[3, 1], [0, 9]]), 9);
  assert.equal(matrixMax([[0]]), 1);
});
