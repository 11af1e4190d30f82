import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTE_CLS, BYTE_PAD, BYTE_SEP, ByteTokenizer } from '../../../main/engine/tokenize/bytes.ts';
import type { TruncateSide } from '../../../main/engine/tokenize/encoded.ts';

test('every UTF-8 byte is one token; padding and mask follow', () => {
  const t = new ByteTokenizer({ max_length: 6 });
  const b = t.encode(['hé', 'abc']);
  assert.equal(b.seqLen, 6);
  assert.deepEqual([...b.inputIds.slice(0, 6)].map(Number), [104, 0xc3, 0xa9, BYTE_PAD, BYTE_PAD, BYTE_PAD]);
  assert.deepEqual([...b.attentionMask.slice(0, 6)].map(Number), [1, 1, 1, 0, 0, 0]);
  assert.equal(t.encode(['hé', 'abc'], 'longest').seqLen, 3);
});

test('which part of a long file is read is configurable', () => {
  const text = 'abcdefghij';
  const ids = (truncate: TruncateSide, max_length = 4) => new ByteTokenizer({ max_length, truncate }).ids(text).map((i) => String.fromCharCode(i)).join('');
  assert.equal(ids('head'), 'abcd');
  assert.equal(ids('tail'), 'ghij');
  assert.equal(ids('head_tail'), 'abij');
  assert.equal(ids('head_tail', 5), 'abcij');
  assert.equal(ids('head_tail', 10), text, 'a short file is read whole');
});

test('special tokens wrap the window when asked for', () => {
  const t = new ByteTokenizer({ max_length: 5, add_special_tokens: true });
  assert.deepEqual(t.ids('abcdef'), [BYTE_CLS, 97, 98, 99, BYTE_SEP]);
});
