import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaskGenerator } from '../../../main/engine/optim/dropout-mask.ts';
import { POOL_BATCHES, REINDENT_WIDTHS, SNIPPET_MAX_LINES, earlierDraws, epochBatches, lowercaseSome, padBatch, projectBalancedDraws, reindentSome, snippetSome, sortedBatches, randomWindow } from '../../../main/trainer/batches.ts';

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

// Two classes: class 0 has a project of 90 files and three of 10 (one of them 10 files without a
// project recorded, which count as one project), class 1 one project of 40 and two of 5.
const balanceLabels = [...Array<number>(120).fill(0), ...Array<number>(50).fill(1)];
const balanceProjects = [
  ...Array<string>(90).fill('big'), ...Array<string>(10).fill('a'), ...Array<string>(10).fill('b'), ...Array<undefined>(10).fill(undefined),
  ...Array<string>(40).fill('big'), ...Array<string>(5).fill('c'), ...Array<string>(5).fill('d'),
];
const drawnByProject = (draws: number[]) => {
  const n = new Map<string, number>();
  for (const i of draws) {
    const key = `${balanceLabels[i]}:${balanceProjects[i] ?? 'none'}`;
    n.set(key, (n.get(key) ?? 0) + 1);
  }
  return n;
};

test('project balance 0 draws every file once, as an epoch without it', () => {
  assert.deepEqual(projectBalancedDraws(balanceLabels, balanceProjects, 0, new MaskGenerator(1)), [...balanceLabels.keys()]);
});

test('project balance 1 draws each project of a class alike, each class keeping its number of draws', () => {
  const draws = projectBalancedDraws(balanceLabels, balanceProjects, 1, new MaskGenerator(1));
  assert.equal(draws.length, balanceLabels.length);
  assert.equal(draws.filter((i) => balanceLabels[i] === 0).length, 120);
  assert.equal(draws.filter((i) => balanceLabels[i] === 1).length, 50);
  const n = drawnByProject(draws);
  // Class 0: big, a, b and the files without a project weigh alike: 30 draws each.
  for (const p of ['big', 'a', 'b', 'none']) assert.ok(Math.abs(n.get(`0:${p}`)! - 30) <= 1, `0:${p} drawn ${n.get(`0:${p}`)}`);
  for (const p of ['big', 'c', 'd']) assert.ok(Math.abs(n.get(`1:${p}`)! - 50 / 3) <= 1, `1:${p} drawn ${n.get(`1:${p}`)}`);
  // Systematic sampling: each file is drawn floor or ceil of its expected count.
  const perFile = new Map<number, number>();
  for (const i of draws) perFile.set(i, (perFile.get(i) ?? 0) + 1);
  for (let i = 90; i < 120; i++) assert.equal(perFile.get(i), 3, `file ${i} of a project of 10 drawn ${perFile.get(i)}`);
  for (let i = 0; i < 90; i++) assert.ok([0, 1].includes(perFile.get(i) ?? 0));
});

test('project balance on a dataset that records no projects draws each file once (a class is one project)', () => {
  const none = balanceLabels.map(() => undefined);
  const draws = projectBalancedDraws(balanceLabels, none, 1, new MaskGenerator(3));
  assert.deepEqual([...draws].sort((x, y) => x - y), [...balanceLabels.keys()]);
});

test('project balance 0.5 lands between: a large project weighs less than its size, more than a small one', () => {
  const n = drawnByProject(projectBalancedDraws(balanceLabels, balanceProjects, 0.5, new MaskGenerator(1)));
  // Class 0's projects weigh 90^0.5 and 10^0.5 three times.
  const total = Math.sqrt(90) + 3 * Math.sqrt(10);
  assert.ok(Math.abs(n.get('0:big')! - (120 * Math.sqrt(90)) / total) <= 1);
  assert.ok(n.get('0:big')! < 90 && n.get('0:big')! > 30);
  assert.ok(Math.abs(n.get('0:a')! - (120 * Math.sqrt(10)) / total) <= 1);
});

test('project-balanced draws are the generator\'s: same state, same draws; they feed an epoch\'s batches', () => {
  const a = projectBalancedDraws(balanceLabels, balanceProjects, 0.7, new MaskGenerator(5));
  assert.deepEqual(projectBalancedDraws(balanceLabels, balanceProjects, 0.7, new MaskGenerator(5)), a);
  const lens = balanceLabels.map((_, i) => 10 + (i % 7));
  const batches = epochBatches(lens, 16, new MaskGenerator(5), a);
  assert.deepEqual(batches.flat().sort((x, y) => x - y), [...a].sort((x, y) => x - y));
  assert.ok(batches.slice(0, -1).every((b) => b.length === 16));
});

test('earlier draws count each file\'s draws before a position in the epoch: 0 throughout when each file is drawn once', () => {
  assert.deepEqual(earlierDraws([[3, 1], [1, 3, 1], [2]]), [[0, 0], [1, 1, 2], [0]]);
  const once = epochBatches([5, 9, 7, 3, 8], 2, new MaskGenerator(1));
  assert.ok(earlierDraws(once).flat().every((k) => k === 0));
});

test('a file drawn again in an epoch is augmented anew; its first draw keeps the key of an epoch without repeats', () => {
  const source = Int32Array.from({ length: 3000 }, (_, i) => i);
  assert.deepEqual(randomWindow(source, 384, 42, 0, 7, 0), randomWindow(source, 384, 42, 0, 7));
  // Over files, a second draw's window differs from the first's in all but the draws where both halves sit at the ends.
  const same = Array.from({ length: 100 }, (_, f) => randomWindow(source, 384, 42, 0, f, 1).join() === randomWindow(source, 384, 42, 0, f).join()).filter(Boolean).length;
  assert.ok(same < 50, `${same} of 100 files drew their first window again`);
  const ids = Int32Array.from(Buffer.from('SELECT X FROM Y', 'utf8'));
  const folds = (repeat: number) => Array.from({ length: 200 }, (_, f) => lowercaseSome(ids, 0.5, 3, 0, f, repeat) !== ids);
  const first = folds(0);
  assert.deepEqual(first, Array.from({ length: 200 }, (_, f) => lowercaseSome(ids, 0.5, 3, 0, f) !== ids));
  assert.ok(folds(1).some((folded, f) => folded !== first[f]), 'a second draw is folded by a draw of its own');
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

test('random windows: the same seed, epoch and file draw the same window; two half-windows from the source in order; other epochs draw others', () => {
  const source = Int32Array.from({ length: 3000 }, (_, i) => i);
  const a = randomWindow(source, 384, 42, 0, 7);
  assert.deepEqual(a, randomWindow(source, 384, 42, 0, 7));
  assert.equal(a.length, 384);
  // Each half is a contiguous run of the source, the tail after the head.
  for (let i = 1; i < 192; i++) assert.equal(a[i], a[i - 1] + 1);
  for (let i = 193; i < 384; i++) assert.equal(a[i], a[i - 1] + 1);
  assert.ok(a[192] >= a[191] + 1);
  const views = new Set(Array.from({ length: 40 }, (_, epoch) => `${randomWindow(source, 384, 42, epoch, 7)[0]}:${randomWindow(source, 384, 42, epoch, 7)[383]}`));
  assert.ok(views.size > 10, `only ${views.size} distinct windows in 40 epochs`);
  // Half the time a half-window sits at its end of the file, as inference reads it.
  const heads = Array.from({ length: 200 }, (_, f) => randomWindow(source, 384, 1, 0, f)[0] === 0).filter(Boolean).length;
  assert.ok(heads > 70 && heads < 130, `${heads} of 200 windows start at the file's first byte`);
  const short = Int32Array.from([1, 2, 3]);
  assert.equal(randomWindow(short, 384, 42, 0, 1), short, 'a file shorter than the window is read whole');
});

test('lower-case folding: A-Z become a-z in the drawn share of rows, other bytes and the source row stay as they are', () => {
  const text = 'UPDATE ttrss_prefs SET def_value = \'Ä\' WHERE pref_name = \'X\';';
  const ids = Int32Array.from(Buffer.from(text, 'utf8'));
  const before = Int32Array.from(ids);
  const folded = lowercaseSome(ids, 1, 42, 0, 3);
  assert.equal(Buffer.from(Uint8Array.from(folded)).toString('utf8'), text.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  assert.deepEqual(ids, before, 'the cached row is not changed in place');
  assert.equal(lowercaseSome(ids, 0, 42, 0, 3), ids, 'share 0 folds nothing');
  // The same seed, epoch and file fold alike; about the share of files is folded in an epoch.
  const pick = (epoch: number, f: number) => lowercaseSome(ids, 0.25, 7, epoch, f) !== ids;
  assert.equal(pick(2, 9), pick(2, 9));
  const n = Array.from({ length: 400 }, (_, f) => pick(0, f)).filter(Boolean).length;
  assert.ok(n > 70 && n < 130, `${n} of 400 rows folded at share 0.25`);
  const perEpoch = Array.from({ length: 40 }, (_, epoch) => pick(epoch, 5)).filter(Boolean).length;
  assert.ok(perEpoch > 2 && perEpoch < 20, `one file folded in ${perEpoch} of 40 epochs`);
});

const utf8Ids = (t: string) => Int32Array.from(Buffer.from(t, 'utf8'));
const utf8Text = (ids: Int32Array) => Buffer.from(Uint8Array.from(ids)).toString('utf8');

test('re-indenting: tab-indented lines get 2, 4 or 8 spaces per tab, only at line starts, cut to the row length', () => {
  const src = 'configure(allprojects) {\n\tgroup = "x"\n\tdeps {\n\t\tclasspath("a\tb")\n\t}\n}\n';
  const ids = utf8Ids(src);
  const before = Int32Array.from(ids);
  const seen = new Set<number>();
  for (let f = 0; f < 60; f++) {
    const out = utf8Text(reindentSome(ids, 1000, 1, 42, 0, f));
    const width = REINDENT_WIDTHS.find((w) => out === src.replace(/^\t+/gm, (t) => ' '.repeat(t.length * w)));
    assert.ok(width !== undefined, `file ${f}: ${JSON.stringify(out)}`);
    seen.add(width);
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), [...REINDENT_WIDTHS], 'every width is drawn');
  assert.deepEqual(ids, before, 'the cached row is not changed in place');
  // A row that grows is cut to the ids a row may hold.
  assert.equal(reindentSome(ids, 20, 1, 42, 0, 0).length, 20);
});

test('re-indenting: space-indented lines get a tab per step of the row\'s indentation and keep what is left over', () => {
  const src = 'def f(x):\n    if x:\n        return 1\n      # six\n    \n    return 2\n';
  const out = utf8Text(reindentSome(utf8Ids(src), 1000, 1, 42, 0, 1));
  assert.equal(out, 'def f(x):\n\tif x:\n\t\treturn 1\n\t  # six\n\t\n\treturn 2\n');
  // Two-space steps; tabs inside a line and a line of spaces alone do not change the step.
  assert.equal(utf8Text(reindentSome(utf8Ids('a:\n  b:\n    c: "x  y"\n'), 1000, 1, 42, 0, 1)), 'a:\n\tb:\n\t\tc: "x  y"\n');
  // Single-space indentation, or none, is left as it is (the same row back).
  for (const plain of ['x\n y\n z\n', 'no\nindent\n']) {
    const row = utf8Ids(plain);
    assert.equal(reindentSome(row, 1000, 1, 42, 0, 1), row);
  }
  // What most indented lines open with decides the way.
  assert.equal(utf8Text(reindentSome(utf8Ids('a\n\tb\n\tc\n  d\n'), 1000, 1, 7, 0, 1)).includes('\t'), false);
});

test('re-indenting: share 0 rewrites nothing; the draw is the seed\'s, the epoch\'s and the file\'s, about the share of rows', () => {
  const ids = utf8Ids('{\n\ta\n}\n');
  assert.equal(reindentSome(ids, 256, 0, 42, 0, 3), ids);
  const pick = (epoch: number, f: number) => reindentSome(ids, 256, 0.25, 7, epoch, f) !== ids;
  assert.equal(pick(2, 9), pick(2, 9));
  const n = Array.from({ length: 400 }, (_, f) => pick(0, f)).filter(Boolean).length;
  assert.ok(n > 70 && n < 130, `${n} of 400 rows re-indented at share 0.25`);
});

test('a snippet is a few whole lines of the file, from a line with something on it, for about the share of rows', () => {
  const text = Array.from({ length: 40 }, (_, i) => (i % 5 === 4 ? '   ' : `line ${i} = ${i * i}`)).join('\n') + '\n';
  const ids = Int32Array.from(Buffer.from(text, 'utf8'));
  assert.equal(snippetSome(ids, 256, 0, 42, 0, 3), ids, 'share 0 cuts nothing');
  const lines = text.split('\n');
  for (let f = 0; f < 200; f++) {
    const cut = snippetSome(ids, 256, 1, 42, 0, f);
    const got = Buffer.from(Uint8Array.from(cut)).toString('utf8');
    const start = text.indexOf(got);
    assert.ok(start === 0 || text[start - 1] === '\n', `starts at a line: ${JSON.stringify(got)}`);
    const kept = got.endsWith('\n') ? got.slice(0, -1).split('\n') : got.split('\n');
    assert.ok(kept.length >= 1 && kept.length <= SNIPPET_MAX_LINES, `${kept.length} lines`);
    assert.ok(kept[0].trim() !== '', 'the first line has something on it');
    assert.ok(kept.every((l) => lines.includes(l)), 'whole lines only');
  }
  assert.equal(snippetSome(ids, 5, 1, 42, 0, 3).length, 5, 'at most the window');
  const one = Int32Array.from(Buffer.from('key = "value"\n', 'utf8'));
  assert.equal(snippetSome(one, 256, 1, 42, 0, 3), one, 'a one-line file is its own snippet');
  const pick = (epoch: number, f: number) => snippetSome(ids, 256, 0.2, 7, epoch, f) !== ids;
  assert.equal(pick(1, 4), pick(1, 4));
  const n = Array.from({ length: 400 }, (_, f) => pick(0, f)).filter(Boolean).length;
  assert.ok(n > 50 && n < 110, `${n} of 400 rows cut at share 0.2`);
});
