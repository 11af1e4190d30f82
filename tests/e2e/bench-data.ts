// The small benchmark dataset for end-to-end tests that train: built by scripts/bench-dataset.ts
// where its sources are installed, elsewhere a tiny folder of three made-up languages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/temp.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCES = process.env.LANGLAB_BENCH_SRC ?? '/var/cache/langlab-bench/src';

/** A folder with one sub-folder per class: the small benchmark dataset where its sources are installed. */
export function smallDatasetFolder(): string {
  const out = path.join(tempDir(), 'data');
  if (fs.existsSync(SOURCES)) {
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-dataset.ts', '--out', out, '--small'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    return out;
  }
  const kinds: Record<string, (i: number) => string> = {
    curly: (i) => `function f${i}() {\n  return { a: ${i} };\n}\n`,
    hash: (i) => `# note ${i}\nvalue_${i} = ${i * 7}\n`,
    angle: (i) => `<item id="${i}"><name>n${i}</name></item>\n`,
  };
  for (const [label, text] of Object.entries(kinds)) {
    fs.mkdirSync(path.join(out, label), { recursive: true });
    for (let i = 0; i < 16; i++) fs.writeFileSync(path.join(out, label, `f${i}.txt`), text(i));
  }
  return out;
}
