import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAxes, type ParallelRun } from '../../../renderer/src/compare/parallel-axes.ts';
import { defaultColorAxis, goodness, runColor, sequentialColor, SEQUENTIAL_STOPS } from '../../../renderer/src/compare/parallel-color.ts';

const run = (id: number, lr: number, metrics: Record<string, number | null>): ParallelRun => ({ id, name: `r${id}`, params: { learning_rate: lr }, metrics });

test('the sequential scale runs from its first stop (worst) to its last (best) and stays inside for values outside 0..1', () => {
  assert.equal(sequentialColor(0), SEQUENTIAL_STOPS[0]);
  assert.equal(sequentialColor(1), SEQUENTIAL_STOPS.at(-1));
  assert.equal(sequentialColor(0.5), SEQUENTIAL_STOPS[2]);
  assert.equal(sequentialColor(-3), SEQUENTIAL_STOPS[0]);
  assert.equal(sequentialColor(7), SEQUENTIAL_STOPS.at(-1));
  assert.match(sequentialColor(0.3), /^#[0-9a-f]{6}$/);
});

test('the best run gets the best end of the scale: the lowest loss, the highest accuracy; a run without the metric gets none', () => {
  const runs = [run(1, 1e-4, { val_loss: 0.2, val_accuracy: 0.9 }), run(2, 1e-3, { val_loss: 1.0, val_accuracy: 0.5 }), run(3, 1e-2, { val_loss: null, val_accuracy: 0.7 })];
  const axes = buildAxes(runs);
  const loss = axes.find((a) => a.key === 'val_loss')!;
  const acc = axes.find((a) => a.key === 'val_accuracy')!;
  assert.equal(goodness(loss, runs[0]), 1);
  assert.equal(goodness(loss, runs[1]), 0);
  assert.equal(runColor(loss, runs[0]), SEQUENTIAL_STOPS.at(-1));
  assert.equal(runColor(loss, runs[2]), null);
  assert.equal(runColor(acc, runs[0]), SEQUENTIAL_STOPS.at(-1));
  assert.equal(runColor(acc, runs[1]), SEQUENTIAL_STOPS[0]);
  assert.ok(Math.abs(goodness(acc, runs[2])! - 0.5) < 1e-9);
});

test('by default the lines are coloured by the first metric whose value differs between the runs', () => {
  const runs = [run(1, 1e-4, { test_accuracy: 0.96, val_loss: 0.3 }), run(2, 1e-3, { test_accuracy: 0.96, val_loss: 0.5 })];
  assert.equal(defaultColorAxis(buildAxes(runs))?.key, 'val_loss');
  const same = [run(1, 1e-4, { test_accuracy: 0.96 }), run(2, 1e-3, { test_accuracy: 0.96 })];
  assert.equal(defaultColorAxis(buildAxes(same))?.key, 'test_accuracy');
  assert.equal(defaultColorAxis(buildAxes([run(1, 1e-4, {}), run(2, 1e-3, {})])), null);
});
