// bench:fuzz imported CSV/JSONL rows whose label was a path ("../../etc/passwd") or held a NUL
// as if they named a language; they are now an error naming the file, the line and the label.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { datasetFromTable } from '../../../main/data/from-table.ts';
import { makeTree } from './helpers.ts';

test('a label that looks like a path or holds control characters is an error naming the line', async () => {
  for (const label of ['../../etc/passwd', 'C:\\Windows', 'a/b', 'py\u0000thon', 'java\tx']) {
    const rows = [JSON.stringify({ text: 'print(1)', label: 'python' }), JSON.stringify({ text: 'int x;', label })];
    const dir = makeTree({ 'd.jsonl': rows.join('\n') + '\n', 'd.csv': `text,label\n"print(1)",python\n"int x;",${JSON.stringify(label)}\n` });
    for (const file of ['d.jsonl', 'd.csv']) {
      await assert.rejects(datasetFromTable(path.join(dir, file)), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'INVALID_ARGUMENT');
        assert.match(err.message, new RegExp(`^${file.replace('.', '\\.')}, line [23]: the label .+ looks like a path or holds control characters`));
        return true;
      }, `${file} ${JSON.stringify(label)}`);
    }
  }
});

test('language names with punctuation stay labels', async () => {
  const rows = ['C++', 'C#', 'Objective-C', "Cap'n Proto"].flatMap((label, i) => Array.from({ length: 4 }, (_, j) => JSON.stringify({ text: `x${i}${j} = ${i * 10 + j}`, label })));
  const dir = makeTree({ 'd.jsonl': rows.join('\n') + '\n' });
  const result = await datasetFromTable(path.join(dir, 'd.jsonl'));
  assert.deepEqual(result.classes.map((c) => c.label).sort(), ["C#", "C++", "Cap'n Proto", "Objective-C"]);
});

test('a JSONL line far over --max-bytes is skipped as oversize, and lines split across read chunks are read whole', async () => {
  const long = JSON.stringify({ text: 'a'.repeat(3 << 20), label: 'python' });
  const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify({ text: `x${i} = ${'y'.repeat(40_000 + i)}`, label: i % 2 ? 'python' : 'java' }));
  const dir = makeTree({ 'd.jsonl': [rows[0], long, ...rows.slice(1)].join('\n') + '\n' });
  const result = await datasetFromTable(path.join(dir, 'd.jsonl'), { maxBytes: 100_000 });
  assert.deepEqual(result.skipped.map((s) => [s.reason, s.files]), [['oversize', ['d.jsonl:2']]]);
  assert.equal(result.files.length, 8);
  assert.deepEqual(result.files.map((f) => f.text?.length ?? -1).sort(), rows.map((r) => (JSON.parse(r) as { text: string }).text.length).sort());
});
