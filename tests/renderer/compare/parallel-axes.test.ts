import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisId, buildAxes, MAX_CATEGORIES, passesBrushes, position, tickText, type ParallelRun } from '../../../renderer/src/compare/parallel-axes.ts';

const run = (id: number, params: ParallelRun['params'], metrics: ParallelRun['metrics'] = {}): ParallelRun => ({ id, name: `run ${id}`, params, metrics });

test('only parameters that vary get an axis; metrics follow; strings and booleans are ordered categories', () => {
  const runs = [
    run(1, { learning_rate: 1e-5, batch_size: 16, optimizer: 'adamw', freeze: true, epochs: 3 }, { val_loss: 0.5, test_accuracy: null }),
    run(2, { learning_rate: 1e-3, batch_size: 32, optimizer: 'sgd', freeze: false, epochs: 3 }, { val_loss: 0.3, test_accuracy: null }),
    run(3, { learning_rate: 1e-4, batch_size: 16, optimizer: 'adamw', freeze: true, epochs: 3 }, { val_loss: 0.4, test_accuracy: null }),
  ];
  const axes = buildAxes(runs);
  assert.deepEqual(axes.map(axisId), ['param:batch_size', 'param:freeze', 'param:learning_rate', 'param:optimizer', 'metric:val_loss']);
  const lr = axes.find((a) => a.key === 'learning_rate')!;
  assert.equal(lr.scale, 'log', 'a learning rate spanning decades is on a log axis');
  assert.ok(Math.abs(position(lr, runs[2])! - 0.5) < 1e-9, '1e-4 sits halfway between 1e-5 and 1e-3');
  assert.equal(axes.find((a) => a.key === 'batch_size')!.scale, 'linear');
  const freeze = axes.find((a) => a.key === 'freeze')!;
  assert.deepEqual(freeze.categories, ['false', 'true']);
  assert.equal(position(freeze, runs[0]), 1);
  assert.equal(tickText(freeze, 0), 'false');
});

test('a run missing a value has no position; a name-like axis with too many values is left out', () => {
  const runs = Array.from({ length: MAX_CATEGORIES + 1 }, (_, i) => run(i, { path: `/data/${i}`, dropout: i === 0 ? null : i / 100 }));
  const axes = buildAxes(runs);
  assert.deepEqual(axes.map(axisId), ['param:dropout']);
  assert.equal(position(axes[0], runs[0]), null);
});

test('brushes keep the runs inside every one of them; a run without the brushed value drops out', () => {
  const runs = [run(1, { lr: 1, bs: 'a' }), run(2, { lr: 2, bs: 'b' }), run(3, { lr: 3, bs: 'a' }), run(4, { lr: null, bs: 'a' })];
  const axes = buildAxes(runs);
  const lrId = 'param:lr';
  const bsId = 'param:bs';
  const pass = (brushes: Map<string, { lo: number; hi: number }>) => runs.filter((r) => passesBrushes(axes, brushes, r)).map((r) => r.id);
  assert.deepEqual(pass(new Map()), [1, 2, 3, 4]);
  assert.deepEqual(pass(new Map([[lrId, { lo: 0.4, hi: 1 }]])), [2, 3]);
  assert.deepEqual(pass(new Map([[lrId, { lo: 0.4, hi: 1 }], [bsId, { lo: 0, hi: 0.2 }]])), [3]);
});
