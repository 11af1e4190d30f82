// The held-out figures of a run from its test errors alone (the --errors file of bench:train): the
// test split is drawn again from the benchmark folder, exactly as bench:train draws it, every test
// file not in the errors file was read right, and each error keeps its ranked labels. So runs kept
// only as their errors files can be scored again, by file and by project
// (bench/held-out-figures.ts), without their models.
//
//   node --import tsx bench/errors-figures.ts --data <folder> [--split-seed N] <errors.jsonl> ...
//
// Prints one JSON line per errors file. An error whose path is not a test file of the draw stops it:
// the file came from another folder or another split seed. held-out-compare's errors files are
// refused: they score a subset of the test split (less the excluded projects), and several models
// share one file, so "not listed" would not mean "read right".
import fs from 'node:fs';
import path from 'node:path';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { DEFAULT_SEED } from '../main/data/split.ts';
import { heldOutFigures, type ScoredFile } from './held-out-figures.ts';

const USAGE = 'Usage: --data <folder> [--split-seed N] <errors.jsonl> ...';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let data = '';
  let splitSeed = DEFAULT_SEED;
  const errorFiles: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') data = path.resolve(argv[++i] ?? '');
    else if (argv[i] === '--split-seed') splitSeed = Number(argv[++i]);
    else if (argv[i].startsWith('--')) throw new Error(`errors-figures: unknown argument ${argv[i]}. ${USAGE}`);
    else errorFiles.push(argv[i]);
  }
  if (!data || errorFiles.length === 0) throw new Error(`errors-figures: --data and at least one errors file are required. ${USAGE}`);
  if (!Number.isInteger(splitSeed) || splitSeed < 0) throw new Error(`errors-figures: --split-seed must be a whole number of 0 or more. ${USAGE}`);
  const result = await datasetFromFolder(data, { seed: splitSeed });
  const test = result.files.filter((f) => f.split === 'test');
  const known = new Set(test.map((f) => f.path));
  for (const file of errorFiles) {
    const wrong = new Map<string, { predicted: string; top: { label: string }[] }>();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as { path: string; predicted: string; top: { label: string }[]; model?: string };
      if (e.model !== undefined) throw new Error(`errors-figures: ${file} is an errors file of held-out-compare (its lines name a model); give the --errors file of bench:train.`);
      wrong.set(e.path, e);
    }
    for (const p of wrong.keys()) if (!known.has(p)) throw new Error(`errors-figures: ${file} names ${p}, which is not a test file of ${data} at split seed ${splitSeed}.`);
    const scored: ScoredFile[] = test.map((f) => {
      const e = wrong.get(f.path);
      return e
        ? { trueLabel: f.label, predictedLabel: e.predicted, top: e.top, project: f.project }
        : { trueLabel: f.label, predictedLabel: f.label, top: [{ label: f.label }], project: f.project };
    });
    const figures = heldOutFigures(scored);
    process.stdout.write(JSON.stringify({ bench: 'errors-figures', errors_file: file, files: scored.length, ...figures }) + '\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
