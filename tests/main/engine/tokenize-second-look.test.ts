import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteTokenizer } from '../../../main/engine/tokenize/bytes.ts';
import { applySecondLook, combineLooks, secondLookFor, spreadOffsets, unsure } from '../../../main/engine/tokenize/second-look.ts';

const look = { below: 0.9, windows: 2, base_weight: 2 };

test('windows are spread evenly from the start to the end, and only over files longer than twice the window', () => {
  assert.deepEqual(spreadOffsets(100, 10, 4), [0, 30, 60, 90]);
  assert.deepEqual(spreadOffsets(21, 10, 2), [0, 11]);
  assert.deepEqual(spreadOffsets(20, 10, 4), [], 'the head and tail read half of it already');
  assert.deepEqual(spreadOffsets(101, 10, 1), [46], 'one window sits in the middle');
  assert.deepEqual(spreadOffsets(100, 10, 0), []);
  assert.equal(secondLookFor(0), null);
  assert.deepEqual(secondLookFor(4), { below: 0.99, windows: 4, base_weight: 2 });
});

test('the reads combine as a weighted mean of log probabilities, renormalised', () => {
  const base = [0.6, 0.3, 0.1];
  const w1 = [0.2, 0.7, 0.1];
  const w2 = [0.1, 0.8, 0.1];
  const got = combineLooks(base, [w1, w2], look);
  const mean = base.map((b, c) => (2 * Math.log(b) + Math.log(w1[c]) + Math.log(w2[c])) / 4);
  const z = mean.reduce((s, m) => s + Math.exp(m), 0);
  mean.forEach((m, c) => assert.ok(Math.abs(got[c] - Math.exp(m) / z) < 1e-6, `class ${c}: ${got[c]}`));
  assert.ok(got[1] > got[0], 'two windows that agree outvote the doubled head-and-tail read');
  // A probability that underflowed to 0 keeps the others finite.
  const zero = combineLooks([1, 0, 0], [[0, 1, 0]], look);
  assert.ok(zero.every((p) => Number.isFinite(p)));
  assert.ok(Math.abs(zero.reduce((s, p) => s + p, 0) - 1) < 1e-6);
  assert.ok(zero[0] > zero[1], 'the head and tail count twice');
});

test('only unsure files with windows are read again, in one scoring call, in file order', async () => {
  assert.equal(unsure([0.95, 0.05], look), false);
  assert.equal(unsure([0.85, 0.15], look), true);
  const probs = [new Float32Array([0.95, 0.05]), new Float32Array([0.6, 0.4]), new Float32Array([0.55, 0.45])];
  const [sure, , short] = probs;
  const windows: Record<number, string[]> = { 0: ['a0', 'b0'], 1: ['a1', 'b1'], 2: [] };
  const asked: number[][] = [];
  const calls: string[][] = [];
  const looked = await applySecondLook(probs, look, async (files) => {
    asked.push(files);
    return files.map((f) => windows[f]);
  }, async (rows) => {
    calls.push(rows);
    return rows.map(() => new Float32Array([0.1, 0.9]));
  });
  assert.deepEqual(asked, [[1, 2]], 'windows are asked for the unsure files only, once');
  assert.deepEqual(looked, [1]);
  assert.deepEqual(calls, [['a1', 'b1']], 'the sure file and the file without windows are not read again');
  assert.equal(probs[0], sure);
  assert.equal(probs[2], short, 'a file too short for windows keeps its probabilities');
  assert.ok(probs[1][1] > probs[1][0], 'the windows turned the unsure file');
  assert.deepEqual(await applySecondLook([new Float32Array([1, 0])], look, () => assert.fail('no file is unsure'), async () => assert.fail('nothing to score')), []);
});

test('the byte tokenizer reads spread windows after the leading comments, with the profile of their own file', () => {
  const tok = new ByteTokenizer({ max_length: 8, truncate: 'head_tail', skip_leading_comments: true, profile_buckets: 16, profile_bytes: 64 });
  const code = 'abcdefghijklmnopqrstuvwxyz';
  const text = `// licence\n${code}`;
  const ids = (s: string) => Array.from(new TextEncoder().encode(s));
  assert.deepEqual(tok.windowIds(text, 3), [ids('abcdefgh'), ids('jklmnopq'), ids('stuvwxyz')]);
  assert.deepEqual(tok.windowIds('// licence\nabcdefghijklmnop', 3), [], 'sixteen bytes of code: the head and tail read half');
  const enc = tok.encodeRows(tok.windowIds(text, 2), [text, 'x'], 'longest');
  assert.equal(enc.batch, 2);
  assert.equal(enc.seqLen, 8);
  const [a, b] = [enc.profile!.slice(0, 16), enc.profile!.slice(16)];
  assert.deepEqual(a, tok.encode([text]).profile, 'a window row carries its own file\'s profile');
  assert.deepEqual(b, tok.encode(['x']).profile);
  // With special tokens, a window is as wide as the room between them.
  const special = new ByteTokenizer({ max_length: 6, add_special_tokens: true });
  assert.deepEqual(special.windowIds('0123456789', 2).map((r) => r.length), [6, 6]);
});
