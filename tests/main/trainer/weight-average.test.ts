import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WeightAverage, averageDecay } from '../../../main/trainer/weight-average.ts';

test('the decay is smaller while few steps have been averaged, then the configured one', () => {
  assert.equal(averageDecay(0.999, 0), 0.1);
  assert.equal(averageDecay(0.999, 8), 0.5);
  assert.equal(averageDecay(0.999, 10_000), 0.999);
  assert.equal(averageDecay(0.5, 3), 4 / 13);
  assert.equal(averageDecay(0.5, 8), 0.5);
});

test('each update moves the average toward the weights by 1 minus the decay', () => {
  const w = { a: Float32Array.of(0, 0), b: Float32Array.of(4) };
  const avg = new WeightAverage(0.5, 1, ['a', 'b'], (n) => w[n as 'a' | 'b']);
  assert.deepEqual([...avg.param('a')], [0, 0], 'it starts from the weights');
  w.a.set([10, -10]);
  avg.update((n) => w[n as 'a' | 'b']); // decay min(0.5, 1/10) = 0.1
  assert.deepEqual([...avg.param('a')], [9, -9]);
  assert.deepEqual([...avg.param('b')], [4]);
  w.a.set([0, 0]);
  for (let i = 0; i < 40; i++) avg.update((n) => w[n as 'a' | 'b']);
  assert.ok(Math.abs(avg.param('a')[0]) < 1e-6, 'after many steps at decay 0.5 the average is the weights');
  assert.equal(avg.updates, 41);
  // The average keeps its own arrays: changing the weights does not change it until the next update.
  w.b[0] = 100;
  assert.equal(avg.param('b')[0], 4);
});

test('an average taken every k steps raises the decay to the power k and is due on those steps', () => {
  const w = Float32Array.of(0);
  const every = new WeightAverage(0.9, 4, ['w'], () => w, { weights: { w: Float32Array.of(0) }, updates: 1000 });
  assert.deepEqual([1, 2, 3, 4, 5, 8].map((s) => every.due(s)), [false, false, false, true, false, true]);
  w[0] = 1;
  every.update(() => w);
  assert.ok(Math.abs(every.param('w')[0] - (1 - 0.9 ** 4)) < 1e-6);
});

test('a saved average is taken up where it stopped; one of another shape is refused', () => {
  const w = Float32Array.of(1, 1);
  const resumed = new WeightAverage(0.9, 1, ['w'], () => w, { weights: { w: Float32Array.of(3, 5) }, updates: 500 });
  assert.deepEqual([...resumed.param('w')], [3, 5]);
  assert.equal(resumed.updates, 500);
  resumed.update(() => w);
  assert.ok(Math.abs(resumed.param('w')[0] - (0.9 * 3 + 0.1)) < 1e-6, 'the decay is the configured one after 500 updates');
  assert.throws(() => new WeightAverage(0.9, 1, ['w'], () => w, { weights: { w: Float32Array.of(1, 2, 3) }, updates: 5 }), /"w" has 3 values, the weight 2/);
  assert.throws(() => resumed.param('x'), /no averaged parameter "x"/);
});
