import assert from 'node:assert/strict';
import { test } from 'node:test';
import { madeWith } from '../../../renderer/src/datasets/made-with.ts';
import { countOf } from '../../../renderer/src/lib/format.ts';

test('"Made with" names options as the Add form does, the largest file in KB, and leaves out lists', () => {
  const rows = madeWith({ seed: 7, testFraction: 0.2, maxBytes: 1_048_576, splitFrom: 'project', splitByClass: { a: 'project' }, top: null, sampling: [] });
  assert.deepEqual(
    rows.map((r) => [r.label, r.value]),
    [['Seed', '7'], ['Test fraction', '0.2'], ['Largest file (KB)', '1024'], ['Split', 'whole projects held out']],
  );
});

test('counts read "1 file", "2 files", "1 class"', () => {
  assert.equal(countOf(1, 'file'), '1 file');
  assert.equal(countOf(2, 'file'), '2 files');
  assert.equal(countOf(1, 'class', 'classes'), '1 class');
  assert.equal(countOf(1200, 'class', 'classes'), `${(1200).toLocaleString()} classes`);
});
