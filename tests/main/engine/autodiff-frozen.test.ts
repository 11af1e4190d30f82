import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyMlp } from './tiny-mlp.ts';

test('a frozen base gets no backward nodes and no optimizer state', () => {
  const { g, step } = tinyMlp({ frozenBase: true });
  const backward = g.nodes.filter((n) => n.name.startsWith('grad.'));
  assert.ok(backward.length > 0);
  const intoBase = backward.filter((n) => n.name.startsWith('grad.base.'));
  assert.deepEqual(intoBase.map((n) => n.name), []);
  assert.deepEqual(step.slots.map((s) => s.name).sort(), ['head.bias', 'head.weight']);
  // The frozen parameters are stored as constants in the model, not fed as inputs.
  assert.ok(g.initializers.some((i) => i.value.name === 'base.fc.weight'));
  assert.ok(!g.inputs.some((i) => i.name === 'base.fc.weight'));
});

test('an unfrozen base gets backward nodes for its layers', () => {
  const { g, step } = tinyMlp();
  assert.ok(g.nodes.some((n) => n.name.startsWith('grad.base.LayerNormalization')));
  assert.ok(g.nodes.some((n) => n.name.startsWith('grad.base.MatMul')));
  assert.equal(step.slots.length, 6);
});
