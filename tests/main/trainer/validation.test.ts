import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BestSoFar, recordValidation } from '../../../main/trainer/validation.ts';

const fresh = (): BestSoFar => ({ bestValLoss: null, bestValAccuracy: null, patienceCounter: 0 });

test('the first validation is the best; a lower loss replaces it and resets the counter', () => {
  const best = fresh();
  assert.deepEqual(recordValidation(best, 0.9, 0.5, 2), { improved: true, stop: false });
  assert.deepEqual(best, { bestValLoss: 0.9, bestValAccuracy: 0.5, patienceCounter: 0 });
  assert.deepEqual(recordValidation(best, 0.95, 0.7, 2), { improved: false, stop: false });
  assert.deepEqual(best, { bestValLoss: 0.9, bestValAccuracy: 0.5, patienceCounter: 1 }, 'a higher loss keeps the best, whatever its accuracy');
  assert.deepEqual(recordValidation(best, 0.8, 0.6, 2), { improved: true, stop: false });
  assert.deepEqual(best, { bestValLoss: 0.8, bestValAccuracy: 0.6, patienceCounter: 0 });
});

test('training stops after `patience` validations in a row without a lower loss; an equal loss is no improvement', () => {
  const best = fresh();
  recordValidation(best, 0.5, 0.5, 3);
  assert.equal(recordValidation(best, 0.5, 0.5, 3).stop, false);
  assert.equal(recordValidation(best, 0.6, 0.5, 3).stop, false);
  assert.deepEqual(recordValidation(best, 0.7, 0.5, 3), { improved: false, stop: true });
  assert.equal(best.patienceCounter, 3);
});

test('patience 0 never stops, and a resumed counter keeps counting', () => {
  const never = fresh();
  recordValidation(never, 0.5, 0.5, 0);
  for (let i = 0; i < 10; i++) assert.equal(recordValidation(never, 1, 0, 0).stop, false);
  const resumed: BestSoFar = { bestValLoss: 0.5, bestValAccuracy: 0.9, patienceCounter: 1 };
  assert.deepEqual(recordValidation(resumed, 0.6, 0.9, 2), { improved: false, stop: true });
});
