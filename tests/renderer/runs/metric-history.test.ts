import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunProgress } from '../../../preload/contract.ts';
import { MetricHistory } from '../../../renderer/src/runs/metric-history.ts';

const progress = (step: number, extra: Partial<RunProgress> = {}): RunProgress => ({
  runId: 1,
  phase: 'training',
  epoch: 1,
  epochs: 3,
  step,
  totalSteps: 100,
  trainLoss: 2 - step / 100,
  trainAccuracy: null,
  valLoss: null,
  valAccuracy: null,
  learningRate: 1e-3,
  samplesPerSecond: 40,
  etaSeconds: 10,
  elapsedSeconds: 1,
  ...extra,
});

test('stored history is extended by progress at new steps only', () => {
  const h = new MetricHistory();
  h.load([{ runId: 1, key: 'train_loss', points: [{ step: 10, epoch: 1, timestamp: 0, value: 1.9 }] }]);
  assert.equal(h.append(progress(10)), true, 'the learning rate is new');
  assert.equal(h.get('train_loss').length, 1, 'a step already stored is not added twice');
  h.append(progress(20));
  h.append(progress(20));
  assert.deepEqual(h.get('train_loss').map((p) => p.x), [10, 20]);
  assert.equal(h.append(progress(5)), false, 'an older event adds nothing');
  assert.equal(h.size, 6, 'train loss, learning rate and samples/s at two steps');
});

test('a validation result repeated by later progress events is recorded once', () => {
  const h = new MetricHistory();
  h.append(progress(30, { valLoss: 1.2 }));
  h.append(progress(40, { valLoss: 1.2 }));
  h.append(progress(60, { valLoss: 1.1 }));
  assert.deepEqual(h.get('val_loss'), [{ x: 30, y: 1.2 }, { x: 60, y: 1.1 }]);
});

test('the gap compares each validation with the mean training value since the previous one', () => {
  const h = new MetricHistory();
  h.load([
    { runId: 1, key: 'train_loss', points: [10, 20, 30, 40].map((step) => ({ step, epoch: null, timestamp: 0, value: step / 10 })) },
    { runId: 1, key: 'val_loss', points: [20, 40].map((step) => ({ step, epoch: null, timestamp: 0, value: 2 })) },
  ]);
  assert.deepEqual(h.gap('train_loss', 'val_loss', -1), [{ x: 20, y: 0.5 }, { x: 40, y: -1.5 }]);
});

test('progress while the frozen-layer cache fills counts files, so it draws nothing', () => {
  const h = new MetricHistory();
  const caching = progress(1200, { phase: 'caching', epoch: 0, trainLoss: null, learningRate: null, samplesPerSecond: 6.8, totalSteps: 4000 });
  assert.equal(h.append(caching), false);
  assert.equal(h.size, 0);
  // Then training starts at step 1: its points are not hidden behind file 1,200.
  assert.equal(h.append(progress(1)), true);
  assert.deepEqual(h.get('samples_per_s'), [{ x: 1, y: 40 }]);
});
