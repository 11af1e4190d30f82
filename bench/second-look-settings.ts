// Which second-look setting (main/engine/tokenize/second-look.ts) reads a held-out split best, for one
// exported byte model: every file's head-and-tail read and its windows are scored once, then each
// setting (threshold, window count, weight of the head-and-tail read) is applied to those reads as
// the classifier applies it, and scored as bench/train-accuracy.ts scores a test split. Choose on the
// validation split of the folder the model was trained on; the test split and an evaluation set
// (`--split all`) are for checking the choice.
//
//   node --import tsx bench/second-look-settings.ts --data <folder> --model <exportDir> [--split validation|test|all] [--split-seed N] [--threads N]
//
// Prints one JSON line per setting (its figures, the share of files looked at again, model reads per
// file) and a table on stderr. The model folder's own second look, if any, is set aside.
import os from 'node:os';
import { DEFAULT_SEED } from '../main/data/split.ts';
import { Classifier } from '../main/engine/export/classifier.ts';
import { ByteTokenizer } from '../main/engine/tokenize/bytes.ts';
import { type SecondLook, combineLooks, unsure } from '../main/engine/tokenize/second-look.ts';
import { folderTexts } from './folder-texts.ts';
import { heldOutFigures } from './held-out-figures.ts';
import { arg } from './run-split.ts';

const BENCH = 'second-look-settings';
const THRESHOLDS = [0.9, 0.99, 0.999, 0.9999, 1];
const WINDOWS = [2, 4, 8];
const BASE_WEIGHTS = [1, 2, 4];

const data = arg('data');
const model = arg('model');
if (!data || !model) throw new Error(`${BENCH}: give --data <benchmark folder> and --model <exported model folder>.`);
const split = arg('split') ?? 'validation';
if (split !== 'validation' && split !== 'test' && split !== 'all') throw new Error(`${BENCH}: --split must be validation, test or all, got ${split}.`);
const seed = Number(arg('split-seed') ?? DEFAULT_SEED);
const threads = Number(arg('threads') ?? os.availableParallelism());
if (!Number.isInteger(seed) || seed < 0) throw new Error(`${BENCH}: --split-seed must be a whole number of 0 or more, got ${arg('split-seed')}.`);
if (!Number.isInteger(threads) || threads < 1) throw new Error(`${BENCH}: --threads must be a whole number of 1 or more, got ${arg('threads')}.`);

const { files, texts } = await folderTexts(BENCH, data, { split, seed });
const clf = await Classifier.load(model, { intraOpNumThreads: threads });
if (!(clf.tokenizer instanceof ByteTokenizer)) throw new Error(`${BENCH}: ${model} is not a byte model; the second look is a byte model's.`);
const tok: ByteTokenizer = clf.tokenizer;
const base = await clf.probabilities(texts, 16, { secondLook: false });

/** Each file's window reads for `count` windows (none for a file too short to have any). */
async function windowReads(count: number): Promise<Float32Array[][]> {
  const rows = texts.flatMap((text, file) => tok.windowIds(text, count).map((ids) => ({ ids, file })));
  const reads: Float32Array[][] = texts.map(() => []);
  const n = clf.labels.length;
  for (let i = 0; i < rows.length; i += 32) {
    const part = rows.slice(i, i + 32);
    const p = await clf.runEncoded(tok.encodeRows(part.map((r) => r.ids), part.map((r) => texts[r.file]), 'longest'));
    part.forEach((r, b) => reads[r.file].push(p.slice(b * n, (b + 1) * n)));
  }
  return reads;
}
const reads = new Map<number, Float32Array[][]>();
for (const count of WINDOWS) reads.set(count, await windowReads(count));
await clf.close();

const settings: (SecondLook | null)[] = [null];
for (const below of THRESHOLDS) for (const windows of WINDOWS) for (const base_weight of BASE_WEIGHTS) settings.push({ below, windows, base_weight });
const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
for (const look of settings) {
  let looked = 0;
  let modelReads = 0;
  const probs = base.map((p, i) => {
    modelReads++;
    const ws = look ? reads.get(look.windows)![i] : [];
    if (!look || ws.length === 0 || !unsure(p, look)) return p;
    looked++;
    modelReads += ws.length;
    return combineLooks(p, ws, look);
  });
  const figures = heldOutFigures(files.map((f, i) => {
    const top = clf.ranked(probs[i]);
    return { trueLabel: f.label, predictedLabel: top[0].label, top, project: f.project };
  }));
  const { per_class: perClass, errors, by_project: byProject, ...headline } = figures;
  process.stdout.write(JSON.stringify({ bench: BENCH, model, data, split, split_seed: seed, files: files.length, second_look: look, looked_share: looked / files.length, reads_per_file: modelReads / files.length, ...headline, by_project: byProject && { mean_class_accuracy: byProject.mean_class_accuracy, core8_accuracy_restricted: byProject.core8_accuracy_restricted }, per_class: perClass, errors }) + '\n');
  const name = look ? `below ${look.below}, ${look.windows} windows, weight ${look.base_weight}` : 'head and tail only';
  process.stderr.write(`${name.padEnd(34)} accuracy ${pct(figures.accuracy)}, core 8 restricted ${pct(figures.core8_accuracy_restricted)}, mean over classes ${pct(figures.mean_class_accuracy)}, looked at ${pct(looked / files.length)}, ${(modelReads / files.length).toFixed(2)} reads a file\n`);
}
