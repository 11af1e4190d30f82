import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaskGenerator } from '../../../main/engine/optim/dropout-mask.ts';
import { POOL_BATCHES, epochBatches, padBatch, sortedBatches } from '../../../main/trainer/batches.ts';

const lengths = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 500));

test('an epoch covers every example once, in full batches but the last', () => {
  const batches = epochBatches(lengths, 16, new MaskGenerator(3));
  assert.deepEqual(batches.flat().sort((a, b) => a - b), [...lengths.keys()]);
  assert.ok(batches.slice(0, -1).every((b) => b.length === 16));
  assert.equal(batches.at(-1)!.length, 1000 % 16);
});

test('batches are bucketed by length, so padding to the longest row wastes little', () => {
  const batches = epochBatches(lengths, 16, new MaskGenerator(3));
  const padded = batches.reduce((n, b) => n + b.length * Math.max(...b.map((i) => lengths[i])), 0);
  const real = lengths.reduce((a, b) => a + b, 0);
  const toMax = batches.reduce((n, b) => n + b.length * 500, 0);
  assert.ok(padded / real < 1.15, `padding overhead ${padded / real}`);
  assert.ok(toMax / real > 1.8, 'padding every batch to max_length would cost far more');
});

test('the order is seeded: same state, same batches; another seed, another order', () => {
  const a = epochBatches(lengths, 16, new MaskGenerator(3));
  const b = epochBatches(lengths, 16, new MaskGenerator(3));
  const c = epochBatches(lengths, 16, new MaskGenerator(4));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Pools are shuffled, so consecutive batches are not in length order across the epoch.
  const firstLengths = a.slice(0, POOL_BATCHES).map((bt) => lengths[bt[0]]);
  assert.notDeepEqual(firstLengths, [...firstLengths].sort((x, y) => x - y));
});

test('padBatch pads to the longest row with the pad id and masks the padding', () => {
  const { inputIds, attentionMask, seq } = padBatch([Int32Array.of(5, 6, 7), Int32Array.of(9)], 256);
  assert.equal(seq, 3);
  assert.deepEqual(inputIds.dims, [2, 3]);
  assert.deepEqual([...(inputIds.data as BigInt64Array)], [5n, 6n, 7n, 9n, 256n, 256n]);
  assert.deepEqual([...(attentionMask.data as BigInt64Array)], [1n, 1n, 1n, 1n, 0n, 0n]);
});

test('evaluation batches go shortest first', () => {
  const batches = sortedBatches([30, 10, 20, 10], 2);
  assert.deepEqual(batches, [[1, 3], [2, 0]]);
});
