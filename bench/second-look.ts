// What the second look (main/engine/tokenize/second-look.ts) is worth to a trained run: the same
// weights with and without it, on the same files, side by side.
//   node --import tsx bench/second-look.ts --run <run folder> --store <copy of its store.db> [--dataset ID] [--split test] [--windows N] [--threads N]
// The run's best checkpoint (a from-scratch run) is exported twice into a temporary folder, with
// `second_look_windows` N (default 4) and with 0; both classify the dataset's split (texts read
// through the store, as an evaluation does), in turn, with the same threads. Printed: for each, the
// held-out figures of bench/train-accuracy.ts (accuracy, the 8 core languages over every label and
// restricted to those 8, the mean over classes) and files/s of inference alone; then how many files
// were looked at again, and how many it mended and broke.
// Only read from the run folder; the store is migrated to this build's schema, so give it a copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Classifier } from '../main/engine/export/classifier.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { openStore } from '../main/store/store.ts';
import { readCheckpoint } from '../main/trainer/checkpoint.ts';
import { scratchConfigFor, scratchExportSpec } from '../main/trainer/model.ts';
import { type Hyperparameters, storedHyperparameters } from '../preload/hyperparameters.ts';
import { heldOutFigures } from './held-out-figures.ts';
import { arg, runSplitArgs, splitTexts } from './run-split.ts';

const { runDir, storeFile, datasetId, split } = runSplitArgs('second look');
const windows = Number(arg('windows') ?? 4);
if (!Number.isInteger(windows) || windows < 1 || windows > 64) throw new Error(`second look: --windows must be a whole number from 1 to 64, got ${arg('windows')}.`);
const threads = Number(arg('threads') ?? os.availableParallelism());

const { runner, state } = readCheckpoint(path.join(runDir, 'checkpoints', 'best'));
if (state.model.kind !== 'scratch') throw new Error(`second look: ${runDir} is not a from-scratch run; the second look is a byte model's.`);
const labels = state.labels;
const hp = storedHyperparameters({ ...state.hyperparameters }) as unknown as Hyperparameters;
const config = scratchConfigFor(hp, labels.length);
const params = new Map(Object.entries(runner.params).map(([k, v]) => [k, v instanceof Float32Array ? v : Float32Array.from(v)]));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-second-look-'));
// Opened writable so an older schema is upgraded: pass a copy of a store you want to keep as it is.
const store = openStore({ file: storeFile });
try {
  const variants = [
    { name: `second look, ${windows} windows`, dir: path.join(tmp, 'look'), windows },
    { name: 'head and tail only', dir: path.join(tmp, 'plain'), windows: 0 },
  ];
  for (const v of variants) exportClassifier(v.dir, scratchExportSpec({ ...hp, second_look_windows: v.windows }, config, params, labels));
  const { files, texts } = await splitTexts(store.db, datasetId, split, 'second look', storeFile);
  const byLower = new Map(labels.map((l) => [l.toLowerCase(), l]));
  const known = files.map((f, i) => ({ i, label: byLower.get(f.label.toLowerCase()) })).filter((k) => k.label !== undefined);

  const results = [];
  const predicted: string[][] = [];
  for (const v of variants) {
    const clf = await Classifier.load(v.dir, { intraOpNumThreads: threads });
    const t0 = performance.now();
    const ranked = await clf.predict(texts);
    const seconds = (performance.now() - t0) / 1000;
    await clf.close();
    predicted.push(ranked.map((r) => r[0].label));
    const figures = heldOutFigures(known.map((k) => ({ trueLabel: k.label!, predictedLabel: ranked[k.i][0].label, top: ranked[k.i] })));
    const { per_class: perClass, errors, ...headline } = figures;
    results.push({ model: v.name, ...headline, filesPerSecond: Math.round(texts.length / seconds), per_class: perClass, errors });
    const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
    process.stderr.write(`${v.name.padEnd(24)} accuracy ${pct(figures.accuracy)}, core 8 ${pct(figures.core8_accuracy)} (restricted ${pct(figures.core8_accuracy_restricted)}), mean over classes ${pct(figures.mean_class_accuracy)}, ${Math.round(texts.length / seconds)} files/s at ${threads} threads\n`);
  }
  const [look, plain] = predicted;
  const truth = new Map(known.map((k) => [k.i, k.label!]));
  let mended = 0;
  let broken = 0;
  let changed = 0;
  look.forEach((l, i) => {
    if (l !== plain[i]) changed++;
    const t = truth.get(i);
    if (t === undefined) return;
    if (l === t && plain[i] !== t) mended++;
    if (l !== t && plain[i] === t) broken++;
  });
  process.stderr.write(`the second look changed ${changed} of ${texts.length} labels: mended ${mended}, broke ${broken}; it costs ${(results[1].filesPerSecond / results[0].filesPerSecond).toFixed(2)}x the inference time\n`);
  console.log(JSON.stringify({ bench: 'second-look', run: runDir, split, files: texts.length, labelled: known.length, windows, threads, results, changed, mended, broken }));
} finally {
  store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
