import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteTokenizer } from '../../../main/engine/tokenize/bytes.ts';
import { leadingCommentEnd } from '../../../main/engine/tokenize/leading-comments.ts';

const enc = new TextEncoder();
const rest = (s: string) => {
  const b = enc.encode(s);
  return new TextDecoder().decode(b.subarray(leadingCommentEnd(b)));
};

test('licence blocks, line comments and XML comments before the code are skipped', () => {
  assert.equal(rest('/*\n * Licensed to the ASF\n */\npackage org.x;\n'), 'package org.x;\n');
  assert.equal(rest('// Copyright\n// Boost\n\n#include <x>\n'), '#include <x>\n');
  assert.equal(rest('\uFEFF<!-- licence -->\n<project/>'), '<project/>');
  assert.equal(rest('/* a */ /* b */\n// c\nvar x = 1;'), 'var x = 1;');
});

test('hash comments, code first and unterminated or comment-only files are kept whole', () => {
  assert.equal(rest('# -*- coding: utf-8 -*-\nimport os\n'), '# -*- coding: utf-8 -*-\nimport os\n');
  assert.equal(rest('int x; /* later */'), 'int x; /* later */');
  assert.equal(rest('/* never closed\nint x;'), '/* never closed\nint x;');
  assert.equal(rest('/* only a comment */\n'), '/* only a comment */\n');
});

test('the byte tokenizer reads its window after the header when asked', () => {
  const text = `/*${'x'.repeat(100)}*/\nclass A {}`;
  const on = new ByteTokenizer({ max_length: 10, skip_leading_comments: true });
  const off = new ByteTokenizer({ max_length: 10 });
  assert.deepEqual(on.ids(text), [...enc.encode('class A {}')]);
  assert.deepEqual(off.ids(text), [...enc.encode(text.slice(0, 10))]);
  assert.equal(on.toJSON().skip_leading_comments, true);
});
