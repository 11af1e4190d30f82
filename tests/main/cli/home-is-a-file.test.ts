import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../../main/cli/index.ts';
import { tempDir } from '../../helpers/temp.ts';

test('--home naming a file is an error naming it, not a stack trace (found by bench:fuzz)', async () => {
  const file = path.join(tempDir(), 'not-a-folder');
  writeFileSync(file, 'x');
  const lines: string[] = [];
  const saved = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.join(' '));
  let code: number;
  try {
    code = await runCli(['--home', file, 'runs']);
  } finally {
    console.error = saved;
  }
  assert.equal(code, 2);
  const out = lines.join('\n');
  assert.match(out, new RegExp(`The data folder ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a file, or lies under one\\. Give a folder with --home or LANGLAB_HOME\\.`));
  assert.doesNotMatch(out, /\n\s+at /);
});
