import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimateMinMax, type XY } from '../../../renderer/src/lib/decimate.ts';

test('100,000 points shrink to a few per bucket and keep the extremes, the ends and the order', () => {
  const points: XY[] = Array.from({ length: 100_000 }, (_, i) => ({ x: i, y: Math.sin(i / 500) }));
  points[61_234] = { x: 61_234, y: 9 };
  points[7] = { x: 7, y: -9 };
  const out = decimateMinMax(points, 500);
  assert.ok(out.length <= 2000, `${out.length} points`);
  assert.deepEqual(out[0], points[0]);
  assert.deepEqual(out[out.length - 1], points[points.length - 1]);
  assert.ok(out.some((p) => p.y === 9) && out.some((p) => p.y === -9), 'spikes survive');
  for (let i = 1; i < out.length; i++) assert.ok(out[i].x > out[i - 1].x);
});

test('a gap (null) inside a bucket still shows, and short series are untouched', () => {
  const points: XY[] = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 5000 ? null : 1 }));
  assert.ok(decimateMinMax(points, 100).some((p) => p.y === null));
  const short = [{ x: 1, y: 2 }, { x: 2, y: null }];
  assert.deepEqual(decimateMinMax(short, 100), short);
});
