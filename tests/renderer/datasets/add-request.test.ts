import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FORM, toAddRequest } from '../../../renderer/src/datasets/add-request.ts';
import { binLabels, trimEmptyEnds } from '../../../renderer/src/datasets/histogram-data.ts';

test('the form becomes datasets.add or datasets.build with only the fields the user set', () => {
  assert.deepEqual(toAddRequest({ ...DEFAULT_FORM, path: ' /data/langs ' }), {
    name: 'datasets.add',
    args: { kind: 'folder', path: '/data/langs', seed: 42, testFraction: 0.2, validationFraction: 0.1, maxBytes: 1024 * 1024 },
  });
  const table = toAddRequest({ ...DEFAULT_FORM, way: 'table', path: '/d/rows.JSONL', seed: '', maxKilobytes: '', name: ' mine ' });
  assert.deepEqual(table, { name: 'datasets.add', args: { kind: 'jsonl', path: '/d/rows.JSONL', name: 'mine', testFraction: 0.2, validationFraction: 0.1 } });
  assert.equal((toAddRequest({ ...DEFAULT_FORM, way: 'table', path: '/d/rows.txt' }).args as { kind: string }).kind, 'csv');
  assert.equal((toAddRequest({ ...DEFAULT_FORM, way: 'table', tableFormat: 'jsonl', path: '/d/rows.txt' }).args as { kind: string }).kind, 'jsonl');
  const build = toAddRequest({ ...DEFAULT_FORM, way: 'repositories', roots: ['/src/a', ' ', '/src/b'], top: '8', minFiles: '', cap: '500' });
  assert.deepEqual(build, {
    name: 'datasets.build',
    args: { roots: ['/src/a', '/src/b'], top: 8, cap: 500, seed: 42, testFraction: 0.2, validationFraction: 0.1, maxBytes: 1024 * 1024 },
  });
});

test('a missing path or a malformed number names the field', () => {
  assert.throws(() => toAddRequest({ ...DEFAULT_FORM }), /Give the dataset folder/);
  assert.throws(() => toAddRequest({ ...DEFAULT_FORM, way: 'repositories', roots: [''] }), /at least one folder/);
  assert.throws(() => toAddRequest({ ...DEFAULT_FORM, path: '/x', seed: '4.5' }), /Seed must be a whole number \(got "4\.5"\)/);
  assert.throws(() => toAddRequest({ ...DEFAULT_FORM, path: '/x', testFraction: 'lots' }), /Test fraction must be a number/);
  // Every bad field at once, not only the first.
  assert.throws(
    () => toAddRequest({ ...DEFAULT_FORM, seed: '-1', testFraction: '0x1', maxKilobytes: 'big' }),
    /^Error: Give the dataset folder\. Seed must be a whole number \(got "-1"\)\. Test fraction must be a number \(got "0x1"\)\. Largest file must be a whole number \(got "big"\)\.$/,
  );
});

test('histogram bins get byte-range labels and empty bins at the ends are trimmed', () => {
  assert.deepEqual(binLabels([512, 1024, 2048]), ['512 B–1.0 KB', '1.0 KB–2.0 KB']);
  const h = { edges: [1, 2, 4, 8, 16], counts: { a: [0, 3, 0, 0], b: [0, 1, 2, 0] } };
  assert.deepEqual(trimEmptyEnds(h, ['a', 'b']), { edges: [2, 4, 8], counts: { a: [3, 0], b: [1, 2] } });
  assert.deepEqual(trimEmptyEnds(h, ['a']), { edges: [2, 4], counts: { a: [3] } });
  assert.deepEqual(trimEmptyEnds({ edges: [], counts: {} }, ['a']), { edges: [], counts: {} });
});
