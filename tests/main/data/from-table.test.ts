import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { datasetFromTable } from '../../../main/data/from-table.ts';
import { parseCsv } from '../../../main/data/csv.ts';
import { jsSource, makeTree, pySource } from './helpers.ts';

function csvQuote(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

function table(rows: [string, string, string?][], header = 'text,label'): string {
  return [header, ...rows.map(([t, l, s]) => [csvQuote(t), l, ...(s === undefined ? [] : [s])].join(','))].join('\r\n') + '\r\n';
}

test('the CSV parser handles quotes, doubled quotes, embedded newlines and CRLF, fed byte by byte', async () => {
  const source = 'text,label\r\n"a,b",x\r\n"multi\nline ""q""",y\n\nlast,z';
  async function* bytewise() {
    for (const b of Buffer.from(source)) yield Buffer.from([b]);
  }
  const rows: [number, string[]][] = [];
  for await (const r of parseCsv(bytewise(), 't.csv')) rows.push([r.line, r.fields.map(String)]);
  assert.deepEqual(rows, [[1, ['text', 'label']], [2, ['a,b', 'x']], [3, ['multi\nline "q"', 'y']], [6, ['last', 'z']]]);
});

test('a CSV with text and label makes a stratified dataset that keeps the texts', async () => {
  const rows: [string, string][] = [];
  for (let i = 0; i < 10; i++) rows.push([pySource(i), 'python'], [jsSource(i), 'javascript']);
  const file = path.join(makeTree({ 'd.csv': table(rows) }), 'd.csv');
  const r = await datasetFromTable(file);
  assert.equal(r.kind, 'csv');
  assert.deepEqual(r.classes.map((c) => c.files), [10, 10]);
  assert.equal(r.files[0].text, pySource(0));
  assert.equal(r.files[0].path, 'd.csv:2');
  assert.equal(r.splits.test, 4);
});

test('a split column is used as given; JSONL works the same way', async () => {
  const rows: [string, string, string][] = [];
  for (let i = 0; i < 6; i++) rows.push([pySource(i), 'python', i < 4 ? 'train' : 'test'], [jsSource(i), 'javascript', i === 5 ? 'val' : 'train']);
  const csv = path.join(makeTree({ 'd.csv': table(rows, 'text,label,split') }), 'd.csv');
  const r = await datasetFromTable(csv);
  assert.deepEqual(r.splits, { train: 9, validation: 1, test: 2 });
  const jsonl = path.join(makeTree({ 'd.jsonl': rows.map(([text, label, split]) => JSON.stringify({ text, label, split })).join('\n') + '\n' }), 'd.jsonl');
  const j = await datasetFromTable(jsonl);
  assert.equal(j.kind, 'jsonl');
  assert.equal(j.fingerprint, r.fingerprint);
});

test('missing columns, ragged rows and bad JSON are errors that name the line', async () => {
  const dir = makeTree({
    'nolabel.csv': 'text,lang\nx,y\n',
    'ragged.csv': 'text,label\n"a",python\n"b",python,extra\n',
    'open.csv': 'text,label\n"never closed,python\n',
    'bad.jsonl': '{"text":"a","label":"x"}\n{oops}\n',
    'nokey.jsonl': '{"text":"a"}\n',
    'badsplit.csv': 'text,label,split\nx,y,holdout\n',
  });
  await assert.rejects(datasetFromTable(path.join(dir, 'nolabel.csv')), /line 1: the header has no label column \(found: text, lang\)/);
  await assert.rejects(datasetFromTable(path.join(dir, 'ragged.csv')), /line 3: the row has 3 fields but the header has 2/);
  await assert.rejects(datasetFromTable(path.join(dir, 'open.csv')), /line 2: a quoted field is never closed/);
  await assert.rejects(datasetFromTable(path.join(dir, 'bad.jsonl')), /line 2: not valid JSON/);
  await assert.rejects(datasetFromTable(path.join(dir, 'nokey.jsonl')), /line 1: the "label" field is missing/);
  await assert.rejects(datasetFromTable(path.join(dir, 'badsplit.csv')), /line 2: the split 'holdout'/);
});

test('empty, NUL and non-UTF-8 rows are counted skips; a single label is an error', async () => {
  const bytes = Buffer.concat([
    Buffer.from(table([['print("one")', 'python'], ['console.log(1)', 'javascript'], ['', 'python'], ['a\0b', 'python']])),
    Buffer.from('"caf'),
    Buffer.from([0xe9]),
    Buffer.from('",python\r\n'),
  ]);
  const r = await datasetFromTable(path.join(makeTree({ 'd.csv': bytes }), 'd.csv'));
  assert.deepEqual(r.skipped.map((s) => [s.reason, s.files]), [['empty', ['d.csv:4']], ['not-utf8', ['d.csv:6']], ['nul-byte', ['d.csv:5']]]);
  const single = path.join(makeTree({ 's.csv': table([[pySource(1), 'python']]) }), 's.csv');
  await assert.rejects(datasetFromTable(single), /only the class 'python'/);
});

test('a project column holds out whole projects; JSONL takes a "project" key the same way', async () => {
  const rows: string[] = ['text,label,project'];
  const objects: string[] = [];
  for (let i = 0; i < 30; i++) {
    for (const [text, label] of [[pySource(i), 'python'], [jsSource(i), 'javascript']]) {
      rows.push([csvQuote(text), label, `${label}-repo${i % 6}`].join(','));
      objects.push(JSON.stringify({ text, label, project: `${label}-repo${i % 6}` }));
    }
  }
  const dir = makeTree({ 'd.csv': rows.join('\n') + '\n', 'd.jsonl': objects.join('\n') + '\n' });
  const r = await datasetFromTable(path.join(dir, 'd.csv'));
  assert.equal(r.options.splitFrom, 'project');
  assert.equal(r.files[0].project, 'python-repo0');
  for (const f of r.files) {
    const sameProject = r.files.filter((g) => g.project === f.project);
    assert.ok(sameProject.every((g) => g.split === f.split), `${f.project} spans splits`);
  }
  const j = await datasetFromTable(path.join(dir, 'd.jsonl'));
  assert.equal(j.fingerprint, r.fingerprint);
});

test('a project column left empty in some rows is an error naming the file, the first such line and what to do', async () => {
  const dir = makeTree({
    'gaps.csv': `text,label,project\n${csvQuote(pySource(1))},python,a\n${csvQuote(jsSource(1))},javascript,\n`,
    'gaps.jsonl': `${JSON.stringify({ text: pySource(1), label: 'python', project: 'a' })}\n${JSON.stringify({ text: jsSource(1), label: 'javascript' })}\n`,
  });
  await assert.rejects(datasetFromTable(path.join(dir, 'gaps.csv')), /gaps\.csv: 1 of 2 rows name a project but the others leave it empty \(the first at line 10\)\. Give every row its project/);
  await assert.rejects(datasetFromTable(path.join(dir, 'gaps.jsonl')), /gaps\.jsonl: 1 of 2 rows name a project but the others leave it empty \(the first at line 2\)/);
});
