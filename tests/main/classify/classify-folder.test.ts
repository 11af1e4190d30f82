import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RankedLabel } from '../../../preload/contract.ts';
import { classifyFolder, emptyTiming, extensionLabel, extensionVerdict } from '../../../main/classify/classify-folder.ts';
import type { ClassifiedRow, LeftOutRow } from '../../../main/store/jobs.ts';
import { makeTree } from '../data/helpers.ts';

const LABELS = ['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml'];

/** A stand-in model: "python" for texts with `def `, else "javascript", with a runner-up. */
function fakePredict(calls: number[]) {
  return async (texts: string[]): Promise<RankedLabel[][]> => {
    calls.push(texts.length);
    return texts.map((t) =>
      t.includes('def ')
        ? [{ label: 'python', probability: 0.9 }, { label: 'groovy', probability: 0.1 }]
        : [{ label: 'javascript', probability: 0.6 }, { label: 'java', probability: 0.4 }],
    );
  };
}

test("an extension names a model label only when Linguist's table is sure of its language", () => {
  assert.equal(extensionLabel('a.cc', LABELS), 'cpp');
  assert.equal(extensionLabel('b.hpp', LABELS), 'cpp');
  assert.equal(extensionLabel('c.yml', LABELS), 'yml');
  assert.equal(extensionLabel('d.yaml', LABELS), 'yml');
  assert.equal(extensionLabel('e.mjs', LABELS), 'javascript');
  assert.equal(extensionLabel('pom.xml', LABELS), 'xml', 'a language the model lacks, but the extension is a label');
  assert.equal(extensionLabel('f.h', LABELS), null, 'ambiguous: C, C++, Objective-C');
  assert.equal(extensionLabel('g.ts', LABELS), null, 'a language the model does not know');
  assert.equal(extensionLabel('README', LABELS), null);
  assert.equal(extensionLabel('x.py', ['C++', 'Python']), 'Python', 'labels named as Linguist names them');
});

test('an extension naming a language the model has no label for is told as that language, never as a label', () => {
  assert.deepEqual(extensionVerdict('g.ts', LABELS), { label: null, language: 'TypeScript' });
  assert.deepEqual(extensionVerdict('a.cc', LABELS), { label: 'cpp', language: null });
  assert.deepEqual(extensionVerdict('pom.xml', LABELS), { label: 'xml', language: null }, 'the extension is a label');
  assert.deepEqual(extensionVerdict('f.h', LABELS), { label: null, language: null }, 'ambiguous');
  assert.deepEqual(extensionVerdict('README', LABELS), { label: null, language: null });
  // With the text: a Qt Linguist translation named .ts is XML; real TypeScript stays TypeScript.
  const translation = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="fr">\n</TS>\n';
  assert.deepEqual(extensionVerdict('app_fr.ts', LABELS, translation), { label: 'xml', language: null });
  assert.deepEqual(extensionVerdict('app_fr.ts', ['python', 'go'], translation), { label: null, language: 'XML' });
  assert.deepEqual(extensionVerdict('g.ts', LABELS, 'export const x: number = 1;\n'), { label: null, language: 'TypeScript' });
  // A mode line naming another language: a shell completion named after the Python tool it completes.
  assert.deepEqual(extensionVerdict('asciidoc.py', ['python', 'shell'], '# asciidoc(1) completion  -*- shell-script -*-\n_asciidoc() { :; }\n'), { label: 'shell', language: null });
  // A YAML file written as JSON says JSON; block-style YAML says YAML.
  assert.deepEqual(extensionVerdict('schema.yml', LABELS, '{\n  "type": "record"\n}\n'), { label: 'json', language: null });
  assert.deepEqual(extensionVerdict('ci.yml', LABELS, 'jobs:\n  test:\n    runs-on: linux\n'), { label: 'yml', language: null });
});

test('every text file is classified in batches; binary, empty, vendored, generated and ignored files are counted as left out', async () => {
  const files: Record<string, string | Buffer> = {
    '.gitignore': 'build/\n*.log\n',
    'src/app.py': 'def main():\n    return 1\n',
    'src/util.js': 'export const x = 1;\n',
    'src/mislabelled.js': 'def looks_like_python():\n    pass\n',
    'src/notes.txt': 'def maybe():\n    pass\n',
    'src/blob.bin': Buffer.from([0, 1, 2, 3]),
    'src/empty.py': '   \n',
    'src/run.log': 'ignored by .gitignore\n',
    'build/out.js': 'ignored folder\n',
    'node_modules/dep/index.js': 'vendored\n',
    'package-lock.json': '{}\n',
    '.git/config': '[core]\n',
  };
  for (let i = 0; i < 7; i++) files[`more/f${i}.py`] = `def f${i}():\n    return ${i}\n`;
  const root = makeTree(files);
  const batches: { rows: ClassifiedRow[]; counts: { total: number; done: number; skipped: number } }[] = [];
  const calls: number[] = [];
  const leftOut: LeftOutRow[] = [];
  const end = await classifyFolder({
    root, labels: LABELS, predict: fakePredict(calls), batchSize: 4,
    onBatch: (rows, counts, left) => void (batches.push({ rows, counts }), leftOut.push(...left)),
  });

  const rows = batches.flatMap((b) => b.rows);
  const byPath = new Map(rows.map((r) => [r.path, r]));
  // Every text file, the .gitignore too (it is part of the repository).
  assert.deepEqual([...byPath.keys()].sort(), ['.gitignore', ...Array.from({ length: 7 }, (_, i) => `more/f${i}.py`), 'src/app.py', 'src/mislabelled.js', 'src/notes.txt', 'src/util.js'].sort());
  assert.deepEqual(byPath.get('src/mislabelled.js'), {
    path: 'src/mislabelled.js',
    label: 'python',
    confidence: 0.9,
    extensionLabel: 'javascript',
    extensionLanguage: null,
    size: Buffer.byteLength(files['src/mislabelled.js'] as string),
    top: [{ label: 'python', probability: 0.9 }, { label: 'groovy', probability: 0.1 }],
  });
  assert.equal(byPath.get('src/notes.txt')!.extensionLabel, null);
  // Walked: .gitignore, 7 under more/, 6 under src/. Left out by the walk: run.log and build/
  // (.gitignore), node_modules/ (vendored), package-lock.json (generated); .git/ silently. Left out
  // when read: the binary and the blank file.
  assert.deepEqual(end, { total: 14, done: 14, skipped: 4 + 2 });
  assert.deepEqual(batches[0], { rows: [], counts: { total: 14, done: 0, skipped: 4 } }, 'the total is known before the first file is read');
  // Each left out once, with its reason.
  assert.deepEqual(leftOut.sort((a, b) => a.path.localeCompare(b.path)), [
    { path: 'build/', reason: 'gitignored' },
    { path: 'node_modules/', reason: 'vendored' },
    { path: 'package-lock.json', reason: 'generated' },
    { path: 'src/blob.bin', reason: 'binary' },
    { path: 'src/empty.py', reason: 'empty' },
    { path: 'src/run.log', reason: 'gitignored' },
  ]);
  assert.ok(batches.every((b, i) => i === 0 || b.counts.done > batches[i - 1].counts.done));
  assert.ok(calls.every((n) => n <= 4) && calls.reduce((a, b) => a + b, 0) === 12);
});

test('a cancelled job stops between batches and keeps what it had handed over', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`f${String(i).padStart(2, '0')}.py`] = `def f${i}():\n    return ${i}\n`;
  const controller = new AbortController();
  const seen: ClassifiedRow[] = [];
  await assert.rejects(
    classifyFolder({
      root: makeTree(files),
      labels: LABELS,
      predict: fakePredict([]),
      batchSize: 5,
      signal: controller.signal,
      onBatch: (rows) => {
        seen.push(...rows);
        if (seen.length >= 10) controller.abort();
      },
    }),
    (err: Error & { code?: string }) => err.code === 'CANCELLED',
  );
  assert.equal(seen.length, 10);
});

/** Runs a 23-file folder (one unreadable as text) in batches of 4 and records what happened, in order. */
async function record(pipeline: boolean, inFlight?: number) {
  const files: Record<string, string | Buffer> = {};
  for (let i = 0; i < 22; i++) files[`f${String(i).padStart(2, '0')}.py`] = i % 3 ? `def f${i}():\n    return ${i}\n` : `const f${i} = ${i};\n`;
  files['zz.bin'] = Buffer.from([0, 1, 2, 3]);
  const events: string[] = [];
  const batches: { rows: ClassifiedRow[]; counts: { total: number; done: number; skipped: number }; leftOut: LeftOutRow[] }[] = [];
  const predict = fakePredict([]);
  let asked = 0;
  const timing = emptyTiming();
  const end = await classifyFolder({
    root: makeTree(files), labels: LABELS, batchSize: 4, pipeline, timing, ...(inFlight ? { inFlight } : {}),
    predict: async (texts) => {
      events.push(`predict ${asked++}`);
      // Answers come late, so an overlapped read or request shows up before the store.
      await new Promise((r) => setTimeout(r, 5));
      return predict(texts);
    },
    onBatch: (rows, counts, leftOut) => {
      if (rows.length > 0 || counts.done > 0) events.push(`store ${batches.length - 1}`);
      batches.push({ rows, counts, leftOut: [...leftOut] });
    },
  });
  return { end, events, batches, timing };
}

test('overlapped stages store the same batches, counters and left-out files, in the same order, as one batch at a time', async () => {
  const serial = await record(false);
  const overlapped = await record(true);
  assert.deepEqual(overlapped.end, serial.end);
  assert.deepEqual(overlapped.end, { total: 23, done: 23, skipped: 1 });
  assert.deepEqual(overlapped.batches, serial.batches);
  assert.deepEqual(overlapped.batches.at(-1)!.leftOut, [{ path: 'zz.bin', reason: 'binary' }]);
  // One batch at a time: each prediction is stored before the next is asked for.
  assert.deepEqual(serial.events.slice(0, 4), ['predict 0', 'store 0', 'predict 1', 'store 1']);
  // Overlapped: the next batch is already in the worker when a batch is stored.
  assert.deepEqual(overlapped.events.slice(0, 4), ['predict 0', 'predict 1', 'store 0', 'predict 2']);
  for (const k of ['walk', 'read', 'decode', 'predictWait', 'store'] as const) assert.ok(overlapped.timing[k] >= 0 && Number.isFinite(overlapped.timing[k]), k);
  assert.ok(overlapped.timing.predictWait > 0);
});

test('with four batches in flight (two prediction workers) the same batches, counters and left-out files are stored, in order', async () => {
  const serial = await record(false);
  const four = await record(true, 4);
  assert.deepEqual(four.end, serial.end);
  assert.deepEqual(four.batches, serial.batches);
  // Four batches are asked for before the first is stored, and one more after each store.
  assert.deepEqual(four.events.slice(0, 7), ['predict 0', 'predict 1', 'predict 2', 'predict 3', 'store 0', 'predict 4', 'store 1']);
});

test('a cancel ends a job with four batches in flight at once, though none of them has been answered', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 24; i++) files[`f${String(i).padStart(2, '0')}.py`] = `def f${i}():\n    return ${i}\n`;
  const controller = new AbortController();
  let asked = 0;
  const stored: number[] = [];
  await assert.rejects(
    classifyFolder({
      root: makeTree(files), labels: LABELS, batchSize: 4, inFlight: 4, signal: controller.signal,
      // The workers never answer; the fourth request is the cue to cancel.
      predict: () => {
        if (++asked === 4) setImmediate(() => controller.abort());
        return new Promise<RankedLabel[][]>(() => undefined);
      },
      onBatch: (rows) => void (rows.length > 0 && stored.push(rows.length)),
    }),
    (err: Error & { code?: string }) => err.code === 'CANCELLED',
  );
  assert.equal(asked, 4);
  assert.deepEqual(stored, []);
});

test('a failed prediction fails the overlapped job with its error, after the batches before it were stored', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`f${String(i).padStart(2, '0')}.py`] = `def f${i}():\n    return ${i}\n`;
  const stored: number[] = [];
  let asked = 0;
  const predict = fakePredict([]);
  await assert.rejects(
    classifyFolder({
      root: makeTree(files), labels: LABELS, batchSize: 4,
      predict: async (texts) => {
        if (asked++ === 1) throw new Error('the model broke on batch 1');
        return predict(texts);
      },
      onBatch: (rows) => void (rows.length > 0 && stored.push(rows.length)),
    }),
    /the model broke on batch 1/,
  );
  assert.deepEqual(stored, [4]);
});
