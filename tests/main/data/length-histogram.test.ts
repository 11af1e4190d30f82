import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lengthHistogram } from '../../../main/data/length-histogram.ts';

test('file sizes fall into shared power-of-two bins that cover every class', () => {
  const files = [
    { label: 'python', size: 3 },
    { label: 'python', size: 4 },
    { label: 'python', size: 1000 },
    { label: 'json', size: 7 },
    { label: 'json', size: 1024 },
  ];
  const { edges, counts } = lengthHistogram(files);
  assert.deepEqual(edges, [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
  assert.deepEqual(counts.python, [1, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(counts.json, [0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Object.keys(counts), ['json', 'python']);
});

test('no files give no bins; a zero-byte size gets a bin of its own', () => {
  assert.deepEqual(lengthHistogram([]), { edges: [], counts: {} });
  const { edges, counts } = lengthHistogram([
    { label: 'a', size: 0 },
    { label: 'a', size: 5 },
  ]);
  assert.deepEqual(edges, [0, 1, 2, 4, 8]);
  assert.deepEqual(counts.a, [1, 0, 0, 1]);
});
