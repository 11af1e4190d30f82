import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultHyperparameters, storedHyperparameters, validateHyperparameters } from '../../preload/hyperparameters.ts';

test('a stored set older than a key gets the behaviour it was trained with, a current one is left as it is', () => {
  const old = { dropout: 0.1, learning_rate: 1e-3 };
  assert.deepEqual(storedHyperparameters(old), {
    dropout: 0.1, learning_rate: 1e-3, attention_dropout: 0.1, max_pooling: false, ngram_buckets: 0, random_windows: false,
    mixed_precision: false, cache_frozen_layers: false, ema_decay: 0, profile_buckets: 0, second_look_windows: 0, lowercase_share: 0, snippet_share: 0,
    label_smoothing: 0, reindent_share: 0, project_balance: 0, syntax_rules: false,
  });
  const now = { ...defaultHyperparameters('scratch'), ema_decay: 0.99 };
  assert.deepEqual(storedHyperparameters(now), now);
  assert.deepEqual(storedHyperparameters({ not: 'hyperparameters' }), { not: 'hyperparameters' });
});

test('label smoothing is refused outside 0 to 0.5, naming the value', () => {
  for (const kind of ['scratch', 'pretrained'] as const) {
    assert.deepEqual(validateHyperparameters({ ...defaultHyperparameters(kind), label_smoothing: 0.1 }, kind), []);
    const [e] = validateHyperparameters({ ...defaultHyperparameters(kind), label_smoothing: 0.6 }, kind);
    assert.equal(e.key, 'label_smoothing');
    assert.match(e.message, /Label smoothing \(label_smoothing\) must be a number 0 to 0\.5, got 0\.6\./);
  }
});

test('the weight average decay is refused outside 0 to 0.99999, naming the value', () => {
  for (const kind of ['scratch', 'pretrained'] as const) {
    assert.deepEqual(validateHyperparameters({ ...defaultHyperparameters(kind), ema_decay: 0.999 }, kind), []);
    const [e] = validateHyperparameters({ ...defaultHyperparameters(kind), ema_decay: 1 }, kind);
    assert.equal(e.key, 'ema_decay');
    assert.match(e.message, /Weight average decay \(ema_decay\) must be a number 0 to 0\.99999, got 1\./);
  }
});
