// A repository can hold things a walk must not hang on: a file of a gigabyte on one line, a
// folder that links back up many levels, links that chain into themselves, folders that link to
// one another. Each is left out with its reason, and every real file is classified once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RankedLabel } from '../../../preload/contract.ts';
import { CLASSIFY_MAX_BYTES, classifyFolder, readAtMost } from '../../../main/classify/classify-folder.ts';
import type { ClassifiedRow, LeftOutRow } from '../../../main/store/jobs.ts';
import { makeTree, pySource } from '../data/helpers.ts';

const LABELS = ['javascript', 'python'];
const predict = async (texts: string[]): Promise<RankedLabel[][]> => texts.map(() => [{ label: 'python', probability: 0.9 }]);

async function classify(root: string, maxBytes?: number) {
  const rows: ClassifiedRow[] = [];
  const leftOut: LeftOutRow[] = [];
  const end = await classifyFolder({
    root, labels: LABELS, predict, batchSize: 4, ...(maxBytes !== undefined ? { maxBytes } : {}),
    onBatch: (r, _counts, left) => void (rows.push(...r), leftOut.push(...left)),
  });
  const reasons = new Map(leftOut.map((l) => [l.path, l.reason]));
  return { end, paths: rows.map((r) => r.path).sort(), reasons };
}

test('a 1 GB single-line file is left out as oversize by its size, never read', async () => {
  const root = makeTree({ 'a.py': pySource(1), 'b.py': pySource(2) });
  const huge = path.join(root, 'huge.js');
  // Sparse: a few bytes, then a hole up to 1 GiB, on one line.
  fs.writeFileSync(huge, 'var x = "');
  fs.truncateSync(huge, 1024 ** 3);
  const { end, paths, reasons } = await classify(root);
  assert.deepEqual(paths, ['a.py', 'b.py']);
  assert.equal(reasons.get('huge.js'), 'oversize');
  assert.deepEqual(end, { total: 2, done: 2, skipped: 1 });
  assert.ok(CLASSIFY_MAX_BYTES < 1024 ** 3);
});

test('a single-line file over a smaller size cap is left out as oversize, and one under it is read', async () => {
  const root = makeTree({ 'long.js': `var s = "${'x'.repeat(5000)}";`, 'short.py': pySource(3) });
  const { paths, reasons } = await classify(root, 1000);
  assert.deepEqual(paths, ['short.py']);
  assert.equal(reasons.get('long.js'), 'oversize');
});

test('a file over the cap is given up on before it is read, however large; one at the cap is read whole', async () => {
  const root = makeTree({ 'small.txt': 'hello\n' });
  const file = path.join(root, 'grown.txt');
  fs.writeFileSync(file, 'a');
  fs.truncateSync(file, 1024 ** 3);
  assert.equal(await readAtMost(file, 4096), null);
  assert.equal((await readAtMost(path.join(root, 'small.txt'), 6))?.toString(), 'hello\n', 'exactly at the cap');
  assert.equal(await readAtMost(path.join(root, 'small.txt'), 5), null);
  assert.equal((await readAtMost(Buffer.from(path.join(root, 'small.txt')), 100))?.toString(), 'hello\n');
});

test('a link back up from deep in the tree and a chain of links into itself are left out as symlink loops', async () => {
  const deep = 'a/b/c/d/e/f/g/h/i/j';
  const root = makeTree({ [`${deep}/leaf.py`]: pySource(4), 'top.py': pySource(5) });
  // Ten levels down, a link to the root; one level down, a link to its own parent.
  fs.symlinkSync('../'.repeat(10), path.join(root, deep, 'back'));
  fs.symlinkSync('..', path.join(root, 'a/b/up'));
  // Links that resolve to each other (the system says ELOOP).
  fs.symlinkSync('loop2', path.join(root, 'loop1'));
  fs.symlinkSync('loop1', path.join(root, 'loop2'));
  const { paths, reasons } = await classify(root);
  assert.deepEqual(paths, [`${deep}/leaf.py`, 'top.py']);
  assert.equal(reasons.get(`${deep}/back/`), 'symlink-loop');
  assert.equal(reasons.get('a/b/up/'), 'symlink-loop');
  assert.equal(reasons.get('loop1'), 'symlink-loop');
  assert.equal(reasons.get('loop2'), 'symlink-loop');
});

test('folders that link to one another are each read once, and a link to a folder of the tree is left to its own path', async () => {
  // Eight folders outside the tree, each linking to all the others: walked path by path, that is
  // over 100,000 folders; walked once each, eight.
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-linked-'));
  const n = 8;
  for (let i = 0; i < n; i++) {
    fs.mkdirSync(path.join(outside, `d${i}`));
    fs.writeFileSync(path.join(outside, `d${i}`, `f${i}.py`), pySource(i));
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (i !== k) fs.symlinkSync(path.join(outside, `d${k}`), path.join(outside, `d${i}`, `to${k}`));
  const root = makeTree({ 'src/main.py': pySource(9) });
  fs.symlinkSync(path.join(outside, 'd0'), path.join(root, 'ext'));
  fs.symlinkSync('src', path.join(root, 'alias'));
  const { paths, reasons } = await classify(root);
  // Each real file once: main.py under its own path, the outside folders' files through the first path found.
  assert.equal(paths.length, n + 1, paths.join(', '));
  assert.ok(paths.includes('src/main.py'));
  assert.deepEqual(new Set(paths.map((p) => path.posix.basename(p))).size, n + 1);
  assert.equal(reasons.get('alias/'), 'symlink-repeat');
  assert.ok([...reasons.values()].every((r) => r === 'symlink-repeat' || r === 'symlink-loop'));
});
