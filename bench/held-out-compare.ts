// Two (or more) exported models on the same held-out files: the test split of a benchmark folder
// (split exactly as `bench:train` splits it: by project, same seed; --split-seed as its own), less every project that another
// folder holds (for instance the older benchmark an older model was trained on), so that no model
// compared has read any of these projects; or less only the projects another folder trains on
// (--exclude-trained: its train and validation splits, split the same way), so that a model trained
// on that folder has not read them either. Prints one JSON line per model: files, accuracy, the 8
// core languages (argmax over all labels, and restricted to the 8 as the anchors were scored), the
// mean over classes and each class's accuracy with where its errors went, and the same figures with
// each class's projects counting alike (`by_project`, bench/held-out-figures.ts).
// --all takes every file of --data instead of its test split: for an evaluation set whose projects
// no model has read (`npm run bench:dataset -- --packages bench/debian-packages-eval.txt`).
// --split validation takes the validation split instead, to choose an inference setting on files the
// test split does not hold.
//
//   node --import tsx bench/held-out-compare.ts --data <folder> [--all] [--exclude <folder> ...] [--exclude-trained <folder> ...] [--split-seed N] [--split test|validation] --model <exportDir> [--model <exportDir> ...] [--out <folder>] [--errors <file>] [--syntax-rules on|off]
//
// --out also copies the chosen files there as <class>/<project>/<file>, a folder `langlab eval <run>
// --dataset <folder>` reads. --errors writes every misclassified file, one JSON line each (model,
// path, project, true and predicted label, the top three), to look at what the errors are.
// --syntax-rules on|off applies the syntax rules (main/engine/export/syntax-rules.ts) or not, whatever
// the model's export records (default: as it records), to score a model with and without them.
import fs from 'node:fs';
import path from 'node:path';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { DEFAULT_SEED } from '../main/data/split.ts';
import { predictTexts } from '../main/trainer/predict.ts';
import { folderTexts } from './folder-texts.ts';
import { heldOutFigures } from './held-out-figures.ts';

const USAGE = 'Usage: --data <folder> [--all] [--exclude <folder> ...] [--exclude-trained <folder> ...] [--split-seed N] [--split test|validation] --model <exportDir> [--model <exportDir> ...] [--out <folder>] [--errors <file>] [--syntax-rules on|off]';

interface Args { data: string; all: boolean; exclude: string[]; excludeTrained: string[]; splitSeed: number; split: 'test' | 'validation'; models: string[]; out: string | null; errors: string | null; syntaxRules?: boolean }

function parseArgs(argv: string[]): Args {
  const args: Args = { data: '', all: false, exclude: [], excludeTrained: [], splitSeed: DEFAULT_SEED, split: 'test', models: [], out: null, errors: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--all') {
      args.all = true;
      continue;
    }
    const value = argv[i + 1];
    if (!['--data', '--exclude', '--exclude-trained', '--split-seed', '--split', '--model', '--out', '--errors', '--syntax-rules'].includes(argv[i])) throw new Error(`held-out-compare: unknown argument ${argv[i]}. ${USAGE}`);
    if (value === undefined) throw new Error(`held-out-compare: ${argv[i]} needs a value. ${USAGE}`);
    i++;
    if (argv[i - 1] === '--data') args.data = path.resolve(value);
    else if (argv[i - 1] === '--exclude') args.exclude.push(path.resolve(value));
    else if (argv[i - 1] === '--exclude-trained') args.excludeTrained.push(path.resolve(value));
    else if (argv[i - 1] === '--split-seed') {
      args.splitSeed = Number(value);
      if (!Number.isInteger(args.splitSeed) || args.splitSeed < 0) throw new Error(`held-out-compare: --split-seed must be a whole number of 0 or more, got ${value}.`);
    }
    else if (argv[i - 1] === '--split') {
      if (value !== 'test' && value !== 'validation') throw new Error(`held-out-compare: --split must be test or validation, got ${value}.`);
      args.split = value;
    }
    else if (argv[i - 1] === '--model') args.models.push(path.resolve(value));
    else if (argv[i - 1] === '--errors') args.errors = path.resolve(value);
    else if (argv[i - 1] === '--syntax-rules') {
      if (value !== 'on' && value !== 'off') throw new Error(`held-out-compare: --syntax-rules must be on or off, got ${value}.`);
      args.syntaxRules = value === 'on';
    }
    else args.out = path.resolve(value);
  }
  if (!args.data || args.models.length === 0) throw new Error(`held-out-compare: --data and at least one --model are required. ${USAGE}`);
  for (const m of args.models) {
    if (!fs.existsSync(path.join(m, 'labels.json'))) throw new Error(`held-out-compare: ${m} is not an exported model folder (no labels.json); pass a run's model/ folder.`);
  }
  return args;
}

/** Project folder names (the second level, <class>/<project>) of a benchmark folder, any class. */
function projectsOf(folder: string): Set<string> {
  if (!fs.existsSync(folder)) throw new Error(`held-out-compare: --exclude ${folder} does not exist.`);
  const out = new Set<string>();
  for (const c of fs.readdirSync(folder, { withFileTypes: true })) {
    if (!c.isDirectory()) continue;
    for (const p of fs.readdirSync(path.join(folder, c.name), { withFileTypes: true })) if (p.isDirectory()) out.add(p.name);
  }
  return out;
}

/** The projects a benchmark folder's train and validation splits hold (split as bench:train splits it). */
async function trainedProjectsOf(folder: string, seed: number): Promise<string[]> {
  if (!fs.existsSync(folder)) throw new Error(`held-out-compare: --exclude-trained ${folder} does not exist.`);
  const { files } = await datasetFromFolder(folder, { seed });
  return files.flatMap((f) => (f.split !== 'test' && f.project !== null ? [f.project] : []));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const excluded = new Set(args.exclude.flatMap((f) => [...projectsOf(f)]));
  for (const f of args.excludeTrained) for (const p of await trainedProjectsOf(f, args.splitSeed)) excluded.add(p);
  const { files, paths: abs, texts } = await folderTexts('held-out-compare', args.data, { split: args.all ? 'all' : args.split, seed: args.splitSeed, excluded, excludedFrom: [...args.exclude, ...args.excludeTrained] });
  if (args.out) {
    fs.rmSync(args.out, { recursive: true, force: true });
    files.forEach((f, i) => {
      const dest = path.join(args.out!, f.label, f.project!, path.basename(f.path));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(abs[i], dest);
    });
  }
  const errorLines: string[] = [];
  for (const model of args.models) {
    const ranked = await predictTexts(model, texts, 26, args.syntaxRules);
    files.forEach((f, i) => {
      const predicted = ranked[i][0].label;
      if (predicted === f.label) return;
      const top = ranked[i].slice(0, 3).map((r) => ({ label: r.label, probability: Math.round(r.probability * 1000) / 1000 }));
      errorLines.push(JSON.stringify({ model, path: abs[i], project: f.project, true: f.label, predicted, top }));
    });
    const figures = heldOutFigures(files.map((f, i) => ({ trueLabel: f.label, predictedLabel: ranked[i][0].label, top: ranked[i], project: f.project })));
    process.stdout.write(JSON.stringify({
      bench: 'held-out-compare',
      model,
      data: args.data,
      excluded_projects: excluded.size,
      split: args.all ? 'all' : args.split,
      syntax_rules: args.syntaxRules ?? 'as exported',
      files: files.length,
      accuracy: figures.accuracy,
      core8_accuracy: figures.core8_accuracy,
      core8_accuracy_restricted: figures.core8_accuracy_restricted,
      mean_class_accuracy: figures.mean_class_accuracy,
      per_class: figures.per_class,
      by_project: figures.by_project,
    }) + '\n');
  }
  if (args.errors) fs.writeFileSync(args.errors, errorLines.map((l) => l + '\n').join(''));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
