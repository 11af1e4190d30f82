import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visibleRange } from '../../../renderer/src/lib/virtual-range.ts';

test('a scrolled list of 1,000 rows renders only the visible rows plus overscan, and the padding fills the rest', () => {
  const r = visibleRange(3600, 400, 36, 1000, 5);
  assert.equal(r.start, 95);
  assert.equal(r.end, 100 + 13 + 5);
  assert.equal(r.padTop + (r.end - r.start) * 36 + r.padBottom, 1000 * 36);
});

test('the range is clamped at both ends and empty lists render nothing', () => {
  assert.deepEqual(visibleRange(0, 400, 36, 0), { start: 0, end: 0, padTop: 0, padBottom: 0 });
  const top = visibleRange(-50, 400, 36, 1000, 5);
  assert.equal(top.start, 0);
  const bottom = visibleRange(1e9, 400, 36, 1000, 5);
  assert.equal(bottom.end, 1000);
  assert.equal(bottom.padBottom, 0);
  assert.ok(bottom.start < 1000);
});
