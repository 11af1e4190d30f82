import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateMeter } from '../../../main/classify/rate-meter.ts';

test('files per second is measured over the last window, and the time left follows from it', () => {
  let now = 0;
  const meter = new RateMeter({ windowMs: 10_000, now: () => now });
  assert.deepEqual(meter.update(0, 1000), { filesPerSecond: null, etaSeconds: null }, 'one update says nothing yet');
  now = 2000;
  assert.deepEqual(meter.update(100, 1000), { filesPerSecond: 50, etaSeconds: 18 });
  // A slow start drops out of the window: 100 files/s over the last 10 s.
  now = 12_000;
  meter.update(1100 - 500, 1000);
  now = 22_000;
  const r = meter.update(1600 - 500, 2000);
  assert.equal(r.filesPerSecond, 50);
  now = 23_000;
  const faster = meter.update(1300, 2000);
  assert.ok(faster.filesPerSecond! > 50, `${faster.filesPerSecond}`);
  assert.equal(faster.etaSeconds, (2000 - 1300) / faster.filesPerSecond!);
});

test('no progress in the window gives no time left, and the time left never goes below zero', () => {
  let now = 0;
  const meter = new RateMeter({ now: () => now });
  meter.update(10, 10);
  now = 1000;
  assert.deepEqual(meter.update(10, 10), { filesPerSecond: 0, etaSeconds: null });
  now = 2000;
  assert.equal(meter.update(20, 10).etaSeconds, 0);
});
