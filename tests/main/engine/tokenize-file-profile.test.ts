import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteTokenizer } from '../../../main/engine/tokenize/bytes.ts';
import { fileProfile, profileMatrix } from '../../../main/engine/tokenize/file-profile.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const total = (p: { counts: Uint16Array }) => p.counts.reduce((a, b) => a + b, 0);

test('a profile counts every 1- to 4-byte sequence once, in ascending buckets', () => {
  // 5 bytes: 5 unigrams, 4 bigrams, 3 trigrams, 2 four-grams.
  const p = fileProfile(bytes('a::bc'), 1 << 16, 4096);
  assert.equal(total(p), 5 + 4 + 3 + 2);
  assert.ok(p.buckets.every((b, i) => i === 0 || b > p.buckets[i - 1]));
  // A repeated sequence lands in the same bucket: `::` twice, `a` once more.
  const q = fileProfile(bytes('a::bc::a'), 1 << 16, 4096);
  assert.equal(total(q), 8 + 7 + 6 + 5);
  assert.ok(Math.max(...q.counts) >= 2);
  // The same bytes as n-grams of different lengths hash apart: `aa` is not `a` twice in one bucket.
  const aa = fileProfile(bytes('aa'), 1 << 16, 4096);
  assert.deepEqual([...aa.counts].sort(), [1, 2]);
  assert.throws(() => fileProfile(bytes('x'), 0, 10), /profile buckets 0 must be a whole number from 1 to 65536/);
});

test('a long file is profiled over its first and last span bytes, with no sequence across the gap', () => {
  const head = 'a'.repeat(8);
  const tail = 'b'.repeat(8);
  const p = fileProfile(bytes(`${head}${'x'.repeat(100)}${tail}`), 1 << 16, 8);
  assert.equal(total(p), 2 * (8 + 7 + 6 + 5));
  const justHeadAndTail = fileProfile(bytes(head), 1 << 16, 8);
  assert.equal(p.buckets.length, 2 * justHeadAndTail.buckets.length, 'a... and b... n-grams, nothing with x');
  // Up to twice the span long, the whole file is read as one piece.
  assert.equal(total(fileProfile(bytes('ab'.repeat(8)), 1 << 16, 8)), 16 + 15 + 14 + 13);
});

test('the model input is the square roots of the counts at unit length; an empty file is zeros', () => {
  const rows = [fileProfile(bytes('int main() { return 0; }'), 64, 4096), fileProfile(bytes(''), 64, 4096)];
  const m = profileMatrix(rows, 64);
  assert.equal(m.length, 128);
  const norm = Math.hypot(...m.subarray(0, 64));
  assert.ok(Math.abs(norm - 1) < 1e-6, `norm ${norm}`);
  assert.ok(m.subarray(64).every((v) => v === 0));
});

test('the byte tokenizer profiles the bytes after the leading comments, batches them, and records the setting', () => {
  const tok = new ByteTokenizer({ max_length: 8, truncate: 'head_tail', skip_leading_comments: true, profile_buckets: 32, profile_bytes: 64 });
  const a = tok.profile('/* licence */\nstd::cout');
  assert.deepEqual(a, fileProfile(bytes('std::cout'), 32, 64));
  const enc = tok.encode(['/* licence */\nstd::cout', 'x'], 'longest');
  assert.equal(enc.profile?.length, 2 * 32);
  assert.deepEqual(enc.profile?.subarray(0, 32), profileMatrix([a], 32));
  assert.deepEqual(tok.toJSON(), { type: 'bytes', max_length: 8, truncate: 'head_tail', add_special_tokens: false, skip_leading_comments: true, profile_buckets: 32, profile_bytes: 64 });
  const plain = new ByteTokenizer({ max_length: 8 });
  assert.equal(plain.encode(['x']).profile, undefined);
  assert.ok(!('profile_buckets' in plain.toJSON()), 'a tokenizer without a profile writes the settings it always did');
  assert.throws(() => plain.profile('x'), /has no profile/);
  assert.throws(() => new ByteTokenizer({ max_length: 8, profile_buckets: 32 }), /profile_bytes must be a positive integer/);
});
