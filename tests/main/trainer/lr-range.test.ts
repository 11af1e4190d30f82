import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diverged, LossSmoother, rampLr, suggestLr, type LrPoint } from '../../../main/trainer/lr-range.ts';

test('the ramp goes from min to max exponentially', () => {
  assert.equal(rampLr(0, 100, 1e-7, 1), 1e-7);
  assert.ok(Math.abs(rampLr(99, 100, 1e-7, 1) - 1) < 1e-12);
  assert.ok(Math.abs(rampLr(50, 101, 1e-6, 1e-2) - 1e-4) < 1e-15, 'the middle step is the geometric mean');
});

test('a loss curve that falls, flattens and blows up: steepest descent inside the fall, minimum/10 a decade below the minimum, divergence at 4x', () => {
  const n = 100;
  const points: LrPoint[] = [];
  const smoother = new LossSmoother(0.5);
  let best = Infinity;
  let stopped = -1;
  for (let i = 0; i < n; i++) {
    const lr = rampLr(i, n, 1e-6, 1);
    const x = Math.log10(lr); // -6 .. 0
    // Flat at 2 until 1e-4, falls to 0.2 by 1e-2 (fastest around 1e-3), then rises steeply.
    const loss = x < -4 ? 2 : x < -2 ? 2 - 1.8 * (0.5 - 0.5 * Math.cos(((x + 4) / 2) * Math.PI)) : 0.2 * 10 ** (3 * (x + 2));
    const smoothed = smoother.add(loss);
    points.push({ lr, loss, smoothed });
    if (diverged(smoothed, best)) {
      stopped = i;
      break;
    }
    best = Math.min(best, smoothed);
  }
  assert.ok(stopped > 0 && points[stopped].lr > 1e-2, 'stops once the loss has grown past 4x its best');
  const s = suggestLr(points);
  assert.ok(s.steepest! > 3e-4 && s.steepest! < 3e-3, `steepest ${s.steepest}`);
  assert.ok(s.minOver10! > 5e-4 && s.minOver10! < 3e-3, `min/10 ${s.minOver10}`);
  assert.equal(s.suggested, s.steepest);
  assert.deepEqual(suggestLr(points.slice(0, 2)), { steepest: null, minOver10: null, suggested: null });
});
