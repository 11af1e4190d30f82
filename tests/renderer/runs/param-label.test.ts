import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HYPERPARAMETERS } from '../../../preload/hyperparameters.ts';
import { paramLabel } from '../../../renderer/src/runs/param-label.ts';

test('stored parameters read as the New Run form names them; other keys read as words', () => {
  assert.equal(paramLabel('attention_dropout'), 'Attention dropout');
  assert.equal(paramLabel('d_model'), 'Model width');
  assert.equal(paramLabel('max_pooling'), 'Max pooling');
  for (const spec of HYPERPARAMETERS) assert.equal(paramLabel(spec.key), spec.label);
  assert.equal(paramLabel('dataset_fingerprint'), 'Dataset fingerprint');
  assert.equal(paramLabel('provider'), 'Provider');
  assert.equal(paramLabel(''), '');
});
