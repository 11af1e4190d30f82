import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaskGenerator } from '../../../main/engine/optim/dropout-mask.ts';
import { linearWarmupDecay, warmupStepsFor } from '../../../main/engine/optim/schedule.ts';

test('learning rate warms up linearly, peaks, then decays linearly to zero', () => {
  const total = 100;
  const warm = warmupStepsFor(total, 0.1);
  assert.equal(warm, 10);
  assert.equal(linearWarmupDecay(0, 2e-5, total, warm), 0);
  assert.ok(Math.abs(linearWarmupDecay(5, 2e-5, total, warm) - 1e-5) < 1e-18);
  assert.equal(linearWarmupDecay(10, 2e-5, total, warm), 2e-5);
  assert.ok(Math.abs(linearWarmupDecay(55, 2e-5, total, warm) - 1e-5) < 1e-18);
  assert.equal(linearWarmupDecay(100, 2e-5, total, warm), 0);
  assert.equal(linearWarmupDecay(0, 1, 10, 0), 1);
});

test('dropout masks are seeded, drop about p, scale kept values by 1/(1-p)', () => {
  const a = new MaskGenerator(42).mask(10000, 0.1);
  const b = new MaskGenerator(42).mask(10000, 0.1);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, new MaskGenerator(43).mask(10000, 0.1));
  const zeros = a.filter((v) => v === 0).length;
  assert.ok(zeros > 850 && zeros < 1150, `${zeros} zeros`);
  assert.ok(a.every((v) => v === 0 || Math.abs(v - 1 / 0.9) < 1e-6));
  assert.ok(new MaskGenerator(1).mask(5, 0).every((v) => v === 1));
});

test('a restored generator state continues the same mask stream', () => {
  const gen = new MaskGenerator(7);
  gen.mask(100, 0.5);
  const saved = gen.getState();
  const next = gen.mask(100, 0.5);
  const other = new MaskGenerator(999);
  other.setState(saved);
  assert.deepEqual(other.mask(100, 0.5), next);
});
