import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCompactNumber, formatFixed, formatPercent } from '../../../renderer/src/lib/format-compact.ts';

test('dense table numbers stay short and missing values show a dash', () => {
  assert.equal(formatCompactNumber(2e-5), '2e-5');
  assert.equal(formatCompactNumber(0.00025), '2.5e-4');
  assert.equal(formatCompactNumber(16), '16');
  assert.equal(formatCompactNumber(0.1), '0.1');
  assert.equal(formatCompactNumber(null), '—');
  assert.equal(formatPercent(0.75234), '75.2%');
  assert.equal(formatPercent(null), '—');
  assert.equal(formatFixed(1.23456), '1.235');
});
