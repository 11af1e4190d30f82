import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatParam } from '../../../renderer/src/lib/format.ts';

test('parameters keep their whole-number zeros and lose only trailing fraction zeros', () => {
  assert.equal(formatParam(10), '10');
  assert.equal(formatParam(100), '100');
  assert.equal(formatParam(1000), '1000');
  assert.equal(formatParam(0), '0');
  assert.equal(formatParam(0.1), '0.1');
  assert.equal(formatParam(0.25), '0.25');
  assert.equal(formatParam(2e-5), '2e-5');
  assert.equal(formatParam(true), 'true');
  assert.equal(formatParam(null), '—');
});
