import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricSeries } from '../../../preload/contract.ts';
import { curveKeys, metricName, xOf } from '../../../renderer/src/compare/compare-axis.ts';

const series = (key: string, points: [step: number, epoch: number | null, seconds: number][]): MetricSeries => ({
  runId: 1,
  key,
  points: points.map(([step, epoch, seconds]) => ({ step, epoch, timestamp: 1_000_000 + seconds * 1000, value: 1 })),
});

test('the metric menu offers curves by readable name and leaves out one-point summaries', () => {
  const keys = curveKeys([series('val_loss', [[1, 1, 0], [2, 2, 1]]), series('wall_seconds', [[2, 2, 1]]), series('train_loss', [[1, null, 0], [2, null, 1]])]);
  assert.deepEqual(keys, ['train_loss', 'val_loss']);
  assert.equal(metricName('val_accuracy'), 'Validation accuracy');
  assert.equal(metricName('some_new_key'), 'Some new key');
});

test('x by epoch uses a point’s own epoch or interpolates it from the run’s others; by time, seconds since the first point', () => {
  const val = series('val_loss', [[100, 1, 10], [200, 2, 20]]);
  const train = series('train_loss', [[0, null, 0], [50, null, 5], [150, null, 15], [250, null, 25]]);
  const run = [val, train];
  assert.deepEqual(xOf('epoch', val, run), [1, 2]);
  assert.deepEqual(xOf('epoch', train, run), [0, 0.5, 1.5, 2.5]);
  assert.deepEqual(xOf('time', train, run), [0, 5, 15, 25]);
  assert.deepEqual(xOf('step', train, run), [0, 50, 150, 250]);
  assert.deepEqual(xOf('epoch', train, [train]), [null, null, null, null]);
});
