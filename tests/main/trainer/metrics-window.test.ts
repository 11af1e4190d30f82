import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Example } from '../../../main/trainer/data.ts';
import { MetricsWindow } from '../../../main/trainer/metrics-window.ts';
import type { MetricWrite } from '../../../main/trainer/sink.ts';

const examples = [0, 1, 1, 0].map((label, fileIndex): Example => ({ ids: Int32Array.of(1), label, fileIndex, path: `f${fileIndex}` }));

function windowAt(times: number[]) {
  const rows: MetricWrite[][] = [];
  const w = new MetricsWindow(2, (r) => rows.push(r), () => times.shift()!);
  return { w, rows };
}

test('a flush averages loss and accuracy over the samples of its interval, and grad norm over its optimizer steps', () => {
  const { w, rows } = windowAt([0, 2000]);
  // Rows 0 and 1 predicted class 1 and 0 (labels 0 and 1: both wrong); rows 2 and 3 right.
  w.add([0, 1], examples, 0.5, Float32Array.from([0, 1, 1, 0]), null);
  w.add([2, 3], examples, 1.5, Float32Array.from([0, 1, 1, 0]), 3);
  w.add([3], examples, 2, Float32Array.from([0, 1]), 5);
  w.flush(4, 0.5, 1e-3);
  const at = { step: 4, epoch: 0.5 };
  assert.deepEqual(rows, [[
    { key: 'train_loss', value: (0.5 * 2 + 1.5 * 2 + 2) / 5, ...at },
    { key: 'train_accuracy', value: 2 / 5, ...at },
    { key: 'learning_rate', value: 1e-3, ...at },
    { key: 'samples_per_s', value: 2.5, ...at },
    { key: 'grad_norm', value: 4, ...at },
  ]]);
  assert.equal(w.trainLoss, 1.2);
  assert.equal(w.trainAccuracy, 0.4);
  assert.equal(w.samplesPerSecond, 2.5);
});

test('an empty interval emits nothing and keeps the last figures; the next interval starts from zero', () => {
  const { w, rows } = windowAt([0, 1000, 1000, 3000]);
  assert.equal(w.trainLoss, null);
  w.flush(1, 0, 0.1);
  assert.equal(rows.length, 0);
  w.add([0], examples, 1, Float32Array.from([1, 0]), null);
  w.flush(2, 0.25, 0.1);
  w.flush(3, 0.375, 0.1);
  assert.equal(rows.length, 1);
  assert.equal(w.trainLoss, 1);
  w.add([1], examples, 3, Float32Array.from([1, 0]), null);
  w.flush(4, 0.5, 0.1);
  assert.deepEqual(rows[1].map((r) => [r.key, r.value]), [['train_loss', 3], ['train_accuracy', 0], ['learning_rate', 0.1], ['samples_per_s', 0.5], ['grad_norm', 0]]);
});

test('an interval measured in no time has no samples_per_s row', () => {
  const { w, rows } = windowAt([5, 5]);
  w.add([0], examples, 1, Float32Array.from([1, 0]), 1);
  w.flush(1, 1, 0.1);
  assert.deepEqual(rows[0].map((r) => r.key), ['train_loss', 'train_accuracy', 'learning_rate', 'grad_norm']);
  assert.equal(w.samplesPerSecond, null);
});

test('the learning rate of every step since the last flush comes with the flush, each at its own step', () => {
  const { w, rows } = windowAt([0, 1000, 1000]);
  for (let step = 1; step <= 3; step++) {
    w.add([0], examples, 1, Float32Array.from([1, 0]), 1);
    w.stepped(step, step / 4, step * 1e-4);
  }
  w.flush(3, 0.75, 3e-4);
  assert.deepEqual(rows[0].filter((r) => r.key === 'learning_rate').map((r) => [r.step, r.value]), [[1, 1e-4], [2, 2e-4], [3, 3e-4]]);
  w.flush(4, 1, 4e-4);
  assert.equal(rows.length, 1, 'nothing is left over to emit');
});
