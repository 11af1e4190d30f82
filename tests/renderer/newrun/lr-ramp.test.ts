import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRamp, RAMP_DEFAULTS } from '../../../renderer/src/newrun/lr-ramp.ts';

test("the finder's default ramp is the guide's: 1e-7 to 1 over 100 steps", () => {
  assert.deepEqual(parseRamp(RAMP_DEFAULTS), { ramp: { minLr: 1e-7, maxLr: 1, steps: 100 }, problems: [], invalid: new Set() });
  assert.deepEqual(parseRamp({ min: ' 1e-6 ', max: '10', steps: '25' }).ramp, { minLr: 1e-6, maxLr: 10, steps: 25 });
});

test('a ramp that does not grow, a rate that is not positive and steps out of range are each named with the value typed', () => {
  assert.deepEqual(parseRamp({ min: '1', max: '0.1', steps: '100' }).problems, [
    'The start learning rate (1) must be below the end (0.1): the finder grows the learning rate from one to the other.',
  ]);
  assert.match(parseRamp({ min: '0', max: '1', steps: '100' }).problems.join('\n'), /Start learning rate: give a positive number such as 1e-7; got "0"/);
  assert.match(parseRamp({ min: '1e-7', max: 'abc', steps: '100' }).problems.join('\n'), /End learning rate: give a positive number .* got "abc"/);
  assert.match(parseRamp({ min: '1e-7', max: '1000', steps: '100' }).problems.join('\n'), /End learning rate must be at most 100; got 1000/);
  for (const steps of ['4', '2001', '10.5', '']) {
    assert.deepEqual(parseRamp({ min: '1e-7', max: '1', steps }).problems, [`Steps: give a whole number from 5 to 2000; got "${steps}".`]);
  }
  const all = parseRamp({ min: '', max: '-1', steps: '0' });
  assert.equal(all.problems.length, 3);
  assert.deepEqual([...all.invalid].sort(), ['max', 'min', 'steps']);
  assert.deepEqual([...parseRamp({ min: '1', max: '0.1', steps: '100' }).invalid].sort(), ['max', 'min'], 'a ramp that does not grow marks both ends');
  assert.equal(parseRamp({ min: '1', max: '0.1', steps: '100' }).ramp, null);
});
