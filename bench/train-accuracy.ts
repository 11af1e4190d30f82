// The from-scratch recipe on the benchmark dataset: builds the dataset (scripts/bench-dataset.ts),
// imports it into a temporary store, trains the scratch model with its default hyperparameters and
// prints one JSON line: wall time to the best checkpoint, total time and test accuracy.
//
//   npm run bench:train [-- --small] [--data <folder>] [--threads N] [--split-seed N] [--set key=value ...] [--errors <file>] [--keep <folder>]
//
// --data reuses a folder the dataset script already wrote; --set overrides one hyperparameter (for
// trying recipes; the reported number is for the defaults); --errors writes every misclassified test
// file (path, true and predicted label, top probabilities) as JSON lines; --keep leaves the store and
// the run folder (checkpoints, exported model) in <folder> instead of deleting them. The test split holds out
// whole projects (the dataset's <class>/<project>/ folders); the line gives per-class figures, the 8
// core languages' accuracy (also restricted to those 8 labels, as the anchors were scored) and the
// mean over classes. --split-seed draws another split (default 42, the app's): which projects land
// in test moves the figures more than the training seed does. Targets: >= 99.0 % on the 8 core
// languages and >= 97 % averaged over all languages, best checkpoint within 15 minutes of training
// on 2 cores.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Hyperparameters, defaultHyperparameters, validateHyperparameters } from '../preload/hyperparameters.ts';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { DEFAULT_SEED } from '../main/data/split.ts';
import { saveDataset } from '../main/store/dataset-save.ts';
import { openStore } from '../main/store/store.ts';
import { train } from '../main/trainer/train.ts';
import { heldOutFigures } from './held-out-figures.ts';

const root = path.resolve(import.meta.dirname, '..');

interface Args { small: boolean; data: string | null; errors: string | null; keep: string | null; threads: number; splitSeed: number; set: Partial<Hyperparameters> }

function parseArgs(argv: string[]): Args {
  let small = false;
  let data: string | null = null;
  let errors: string | null = null;
  let keep: string | null = null;
  let threads = os.availableParallelism();
  let splitSeed = DEFAULT_SEED;
  const set: Record<string, number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--small') small = true;
    else if (a === '--data') data = path.resolve(argv[++i] ?? '');
    else if (a === '--errors') errors = path.resolve(argv[++i] ?? '');
    else if (a === '--keep') keep = path.resolve(argv[++i] ?? '');
    else if (a === '--threads') threads = Number(argv[++i]);
    else if (a === '--split-seed') {
      splitSeed = Number(argv[++i]);
      if (!Number.isInteger(splitSeed) || splitSeed < 0) throw new Error(`train-accuracy: --split-seed must be a whole number of 0 or more, got ${argv[i]}.`);
    } else if (a === '--set') {
      const [k, v] = (argv[++i] ?? '').split('=');
      set[k] = v === 'true' ? true : v === 'false' ? false : Number(v);
    } else throw new Error(`train-accuracy: unknown argument ${a}. Usage: [--small] [--data <folder>] [--threads N] [--split-seed N] [--set key=value ...] [--errors <file>] [--keep <folder>]`);
  }
  return { small, data, errors, keep, threads, splitSeed, set: set as Partial<Hyperparameters> };
}

/** The 8 languages of the original script: the anchors' figures are for these. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.keep && fs.existsSync(args.keep) && fs.readdirSync(args.keep).length > 0) throw new Error(`train-accuracy: --keep ${args.keep} is not empty; name a new folder`);
  const work = args.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-train-'));
  fs.mkdirSync(work, { recursive: true });
  try {
    let data = args.data;
    if (!data) {
      data = path.join(work, 'data');
      const built = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench-dataset.ts'), '--out', data, ...(args.small ? ['--small'] : [])], { encoding: 'utf8', cwd: root });
      if (built.status !== 0) throw new Error(`the benchmark dataset could not be built: ${built.stderr.trim()}`);
    }
    const t0 = performance.now();
    const result = await datasetFromFolder(data, { seed: args.splitSeed });
    const store = openStore({ file: path.join(work, 'store.db') });
    const datasetId = saveDataset(store.db, result);
    store.close();
    const importSeconds = (performance.now() - t0) / 1000;

    const hp = { ...defaultHyperparameters('scratch'), ...args.set };
    const errors = validateHyperparameters(hp, 'scratch');
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join(' '));
    let lastLine = '';
    // One row per validation: when it ran, and the training window's loss and accuracy just before.
    const trainStart = performance.now();
    const latest: Record<string, number> = {};
    const validations: Record<string, number>[] = [];
    const out = await train({
      runId: 1, storeFile: path.join(work, 'store.db'), datasetId, model: { kind: 'scratch' }, hyperparameters: hp, provider: 'cpu',
      runDir: path.join(work, 'run'), resume: false, threads: args.threads,
    }, {
      progress: (p) => {
        if (!process.stderr.isTTY || p.phase !== 'training') return;
        const line = `\r\x1b[Kstep ${p.step}/${p.totalSteps} epoch ${p.epoch} loss ${p.trainLoss?.toFixed(4) ?? '-'} val ${p.valAccuracy?.toFixed(4) ?? '-'} ${p.samplesPerSecond?.toFixed(1) ?? '-'} samples/s`;
        if (line !== lastLine) process.stderr.write((lastLine = line));
      },
      metrics: (points) => {
        for (const m of points) {
          latest[m.key] = m.value;
          if (m.key === 'val_accuracy') {
            validations.push({
              epoch: Math.round((m.epoch ?? 0) * 100) / 100, seconds: Math.round((performance.now() - trainStart) / 100) / 10,
              train_loss: latest.train_loss, train_accuracy: latest.train_accuracy, val_loss: latest.val_loss, val_accuracy: m.value,
            });
          }
        }
      },
      log: (level, message) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}[${level}] ${message}\n`),
    }, new AbortController().signal);
    const ev = out.evaluation!;
    const wrong = out.predictions.filter((p) => p.trueLabel !== p.predictedLabel);
    if (args.errors) fs.writeFileSync(args.errors, wrong.map((p) => JSON.stringify({ path: p.path, true: p.trueLabel, predicted: p.predictedLabel, top: p.top })).join('\n') + '\n');
    const projectOf = new Map(result.files.map((f) => [f.path, f.project]));
    const figures = heldOutFigures(out.predictions.map((p) => ({ ...p, project: projectOf.get(p.path) ?? null })));
    process.stdout.write(JSON.stringify({
      bench: 'train-accuracy',
      variant: args.data ? `folder ${args.data}` : args.small ? 'small' : 'full',
      cpus: os.cpus().length,
      threads: args.threads,
      files: { train: result.splits.train, validation: result.splits.validation, test: result.splits.test },
      hyperparameters: hp,
      import_seconds: Math.round(importSeconds * 10) / 10,
      seconds_to_best_checkpoint: out.secondsToBest === null ? null : Math.round(out.secondsToBest * 10) / 10,
      train_wall_seconds: Math.round(out.wallSeconds * 10) / 10,
      epochs: out.epochsCompleted,
      steps: out.steps,
      best_val_loss: out.bestValLoss,
      best_val_accuracy: out.bestValAccuracy,
      split: result.options.splitFrom,
      split_seed: args.splitSeed,
      projects_per_class: Object.fromEntries(result.classes.map((c) => [c.label, new Set(result.files.filter((f) => f.label === c.label && f.project).map((f) => f.project)).size])),
      test_accuracy: ev.accuracy,
      core8_accuracy: figures.core8_accuracy,
      core8_accuracy_restricted: figures.core8_accuracy_restricted,
      mean_class_accuracy: figures.mean_class_accuracy,
      test_per_class: figures.per_class,
      test_macro_f1: ev.macro.f1,
      test_errors: figures.errors,
      // The same figures with each class's test projects counting alike (held-out-figures.ts); null when the folder names no projects.
      test_by_project: figures.by_project,
      validations,
      // Issue 14's targets on the project-held-out test split: 99.0 % on the 8 core languages, 97 % averaged over all.
      target_met:
        result.options.splitFrom !== 'file' && (figures.core8_accuracy ?? 0) >= 0.99 && figures.mean_class_accuracy >= 0.97 && (out.secondsToBest ?? Infinity) <= 900,
    }) + '\n');
  } finally {
    if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
