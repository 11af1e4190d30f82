import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smoothEma } from '../../../renderer/src/charts/smooth.ts';

test('the smoothed training line starts at the first value, follows a constant exactly, and damps noise', () => {
  assert.deepEqual(smoothEma([{ x: 0, y: 2 }]), [{ x: 0, y: 2 }]);
  const flat = smoothEma([1, 1, 1, 1].map((y, x) => ({ x, y })));
  for (const p of flat) assert.ok(Math.abs((p.y ?? 0) - 1) < 1e-12);
  const noisy = smoothEma([0, 1, 0, 1, 0, 1, 0, 1].map((y, x) => ({ x, y })));
  const last = noisy.slice(-2).map((p) => p.y ?? 0);
  assert.ok(Math.abs(last[0] - last[1]) < 0.5, `swing ${last[0]} to ${last[1]}`);
  assert.deepEqual(smoothEma([{ x: 0, y: null }]), [{ x: 0, y: null }]);
  // After a long stretch without points the average follows the new level at once.
  const gap = smoothEma([...[0, 10, 20, 30].map((x) => ({ x, y: 2 })), ...[300, 310, 320].map((x) => ({ x, y: 0.5 }))]);
  assert.ok(Math.abs((gap[4].y ?? 0) - 0.5) < 0.05, `after the gap: ${gap[4].y}`);
  // A long history is smoothed over more points: a fast wiggle on a 100,000-step curve flattens out.
  const long = smoothEma(Array.from({ length: 100_000 }, (_, x) => ({ x, y: Math.sin(x / 7) })));
  const tail = long.slice(-200).map((p) => p.y ?? 0);
  assert.ok(Math.max(...tail) - Math.min(...tail) < 0.05, `swing ${Math.max(...tail) - Math.min(...tail)}`);
});
