// A sweep's trials: the grid is a Cartesian product, random search is seeded (the same seed draws
// the same trials, inside every range), and a bad definition is refused naming the value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SweepAxis } from '../../preload/contract.ts';
import { betterThan, expandSweep, MAX_TRIALS } from '../../preload/sweep-space.ts';

const grid = (key: string, values: (number | boolean)[]) => ({ key, kind: 'grid', values }) as SweepAxis;
const range = (key: string, low: number, high: number, scale: 'linear' | 'log' = 'linear') => ({ key, kind: 'range', low, high, scale }) as SweepAxis;
const expand = (axes: SweepAxis[], o: { trials?: number; seed?: number; modelKind?: 'scratch' | 'pretrained' } = {}) =>
  expandSweep({ modelKind: o.modelKind ?? 'scratch', base: {}, axes, trials: o.trials, seed: o.seed });

test('a grid is the Cartesian product of its lists, the first axis varying slowest', () => {
  const out = expand([grid('learning_rate', [1e-3, 2e-3]), grid('dropout', [0, 0.1, 0.2]), grid('max_pooling', [true])]);
  assert.deepEqual(out.problems, []);
  assert.equal(out.search, 'grid');
  assert.deepEqual(out.trials, [
    { learning_rate: 1e-3, dropout: 0, max_pooling: true },
    { learning_rate: 1e-3, dropout: 0.1, max_pooling: true },
    { learning_rate: 1e-3, dropout: 0.2, max_pooling: true },
    { learning_rate: 2e-3, dropout: 0, max_pooling: true },
    { learning_rate: 2e-3, dropout: 0.1, max_pooling: true },
    { learning_rate: 2e-3, dropout: 0.2, max_pooling: true },
  ]);
});

test('random search: the same seed draws the same trials, another seed others, all inside their ranges', () => {
  const axes = [range('learning_rate', 1e-4, 1e-2, 'log'), range('batch_size', 4, 32), range('dropout', 0, 0.3), grid('num_layers', [1, 2])];
  const a = expand(axes, { trials: 20, seed: 7 });
  const again = expand(axes, { trials: 20, seed: 7 });
  const other = expand(axes, { trials: 20, seed: 8 });
  assert.deepEqual(a.problems, []);
  assert.equal(a.search, 'random');
  assert.equal(a.trials.length, 20);
  assert.deepEqual(again.trials, a.trials);
  assert.notDeepEqual(other.trials, a.trials);
  for (const t of a.trials) {
    assert.ok(t.learning_rate! >= 1e-4 && t.learning_rate! <= 1e-2, String(t.learning_rate));
    assert.ok(Number.isInteger(t.batch_size) && t.batch_size! >= 4 && t.batch_size! <= 32, String(t.batch_size));
    assert.ok(t.dropout! >= 0 && t.dropout! <= 0.3);
    assert.ok([1, 2].includes(t.num_layers!));
  }
  // Log-uniform: about as many draws below 1e-3 (the middle in log space) as above.
  const many = expand([range('learning_rate', 1e-4, 1e-2, 'log')], { trials: 400, seed: 1 }).trials;
  const below = many.filter((t) => t.learning_rate! < 1e-3).length;
  assert.ok(below > 150 && below < 250, `${below} of 400 below the log-middle`);
  // Both grid values are drawn.
  assert.deepEqual(new Set(a.trials.map((t) => t.num_layers)), new Set([1, 2]));
});

test('a bad definition is refused, each problem naming the key and the value', () => {
  const messages = (axes: SweepAxis[], o = {}) => expand(axes, o).problems.map((p) => p.message).join(' | ');
  assert.match(messages([grid('learning_rate', [0.001, 5])]), /Grid value 5 of learning_rate: .*learning_rate\) must be a number above 0, up to 1, got 5/);
  assert.match(messages([grid('dropout', [])]), /grid of Dropout \(dropout\) is empty/);
  assert.match(messages([]), /varies at least one hyperparameter/);
  assert.match(messages([range('batch_size', 0, 8)], { trials: 3 }), /Range low end 0 of batch_size: .*1 to 1024, got 0/);
  assert.match(messages([range('learning_rate', 0.01, 0.001)], { trials: 3 }), /from a lower to a higher value, got 0.01 to 0.001/);
  assert.match(messages([range('max_pooling', 0, 1)], { trials: 3 }), /on or off: give it a grid/);
  assert.match(messages([range('dropout', 0, 0.5, 'log')], { trials: 3 }), /log-uniform range of dropout must start above 0/);
  assert.match(messages([range('dropout', 0, 0.5)]), /number of trials from 1 to 500, got none/);
  assert.match(messages([range('dropout', 0, 0.5)], { trials: MAX_TRIALS + 1 }), /got 501/);
  assert.match(messages([grid('d_model', [64])], { modelKind: 'pretrained' }), /Model width \(d_model\) applies only to scratch models/);
  assert.match(messages([grid('dropout', [0.1]), grid('dropout', [0.2])]), /dropout is given twice/);
  // A combination the model refuses names the trial.
  assert.match(messages([grid('d_model', [64, 96]), grid('num_heads', [5])]), /Trial 1 \(d_model=64, num_heads=5\): Attention heads \(num_heads\) must divide the model width 64/);
  assert.match(messages([grid('batch_size', Array.from({ length: 30 }, (_, i) => i + 1)), grid('epochs', Array.from({ length: 20 }, (_, i) => i + 1))]), /makes 600 trials/);
});

test('the metric decides which way is better', () => {
  assert.equal(betterThan('val_loss', 0.2, 0.3), true);
  assert.equal(betterThan('val_accuracy', 0.2, 0.3), false);
  assert.equal(betterThan('test_macro_f1', 0.9, 0.8), true);
});
