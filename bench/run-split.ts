// What the benchmarks that re-score a kept run share (bench/int8-accuracy.ts, bench/second-look.ts):
// the run folder, a copy of its store and the split named on the command line, and that split's
// files and texts read through the store as an evaluation reads them.
import type { Split } from '../main/data/types.ts';
import { type DatasetFileRow, listDatasetFiles, readDatasetFileText } from '../main/store/dataset-files.ts';
import type { openStore } from '../main/store/store.ts';

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** --run, --store, --dataset (default 1) and --split (default test), refused naming the bench when missing or wrong. */
export function runSplitArgs(bench: string): { runDir: string; storeFile: string; datasetId: number; split: Split } {
  const runDir = arg('run');
  const storeFile = arg('store');
  if (!runDir || !storeFile) throw new Error(`${bench}: give --run <run folder with checkpoints/best> and --store <a copy of the store.db holding its dataset>.`);
  const datasetId = Number(arg('dataset') ?? 1);
  const split = (arg('split') ?? 'test') as Split;
  if (!['train', 'validation', 'test'].includes(split)) throw new Error(`${bench}: --split must be train, validation or test, got ${split}.`);
  return { runDir, storeFile, datasetId, split };
}

/** The split's files and their texts, in the dataset's order. */
export async function splitTexts(db: ReturnType<typeof openStore>['db'], datasetId: number, split: Split, bench: string, storeFile: string): Promise<{ files: DatasetFileRow[]; texts: string[] }> {
  const files: DatasetFileRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = listDatasetFiles(db, datasetId, { split, offset, limit: 1000 }).files;
    files.push(...page);
    if (page.length < 1000) break;
  }
  if (files.length === 0) throw new Error(`${bench}: dataset ${datasetId} has no ${split} files in ${storeFile}.`);
  const texts: string[] = [];
  for (const f of files) texts.push(await readDatasetFileText(db, datasetId, f.index));
  return { files, texts };
}
