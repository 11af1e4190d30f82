// Test helpers: a tiny labelled folder saved as a dataset in a temp store, and tiny
// from-scratch hyperparameters that train in a second or two on one thread.
import fs from 'node:fs';
import path from 'node:path';
import { defaultHyperparameters, type Hyperparameters } from '../../../preload/hyperparameters.ts';
import { datasetFromFolder } from '../../../main/data/from-folder.ts';
import type { CommonOptions } from '../../../main/data/types.ts';
import { saveDataset } from '../../../main/store/dataset-save.ts';
import { openStore } from '../../../main/store/store.ts';
import type { RunProgress } from '../../../preload/contract-common.ts';
import type { MetricWrite, TrainSink } from '../../../main/trainer/train.ts';

/**
 * Three easy "languages" (each file unique, so none is dropped as a duplicate), the default; and a
 * JavaScript and a TypeScript that only the syntax rules tell apart for sure, asked for by label.
 */
const CLASSES: Record<string, (i: number) => string> = {
  curly: (i) => `function f${i}() {\n  return { a: ${i}, b: [${i}, ${i + 1}] };\n}\n`.repeat(1 + (i % 3)),
  hash: (i) => `# note ${i}\nvalue_${i} = ${i * 7}\nprint(value_${i})\n`.repeat(1 + (i % 2)),
  angle: (i) => `<item id="${i}">\n  <name>n${i}</name>\n</item>\n`.repeat(1 + (i % 4)),
  javascript: (i) => `export function f${i}(a) {\n  return a + ${i};\n}\n`.repeat(1 + (i % 2)),
  typescript: (i) => `export function f${i}(a: number): number {\n  return a + ${i};\n}\n`.repeat(1 + (i % 2)),
};
const DEFAULT_LABELS = ['curly', 'hash', 'angle'];

/**
 * Saves a dataset of `perClass` files per class (or the given labels only) in dir/store.db (or
 * `storeFile`) and returns the store file and id. With `projectSizes` each class's files are laid
 * out in projects of those sizes instead (`<class>/p<k>/`).
 */
export async function tinyDataset(
  dir: string,
  o: { perClass?: number; labels?: string[]; storeFile?: string; projectSizes?: number[] } & Pick<CommonOptions, 'testFraction' | 'validationFraction'> = {},
): Promise<{ storeFile: string; datasetId: number }> {
  const root = path.join(dir, 'data');
  const folders = o.projectSizes?.flatMap((n, k) => Array<string>(n).fill(`p${k}`)) ?? Array<string>(o.perClass ?? 16).fill('');
  for (const label of o.labels ?? DEFAULT_LABELS) {
    folders.forEach((project, i) => {
      fs.mkdirSync(path.join(root, label, project), { recursive: true });
      fs.writeFileSync(path.join(root, label, project, `f${i}.txt`), CLASSES[label](i));
    });
  }
  const result = await datasetFromFolder(root, { testFraction: o.testFraction, validationFraction: o.validationFraction });
  const storeFile = o.storeFile ?? path.join(dir, 'store.db');
  const store = openStore({ file: storeFile });
  try {
    return { storeFile, datasetId: saveDataset(store.db, result) };
  } finally {
    store.close();
  }
}

/** A from-scratch model small enough for tests. */
export function tinyHyperparameters(o: Partial<Hyperparameters> = {}): Hyperparameters {
  return {
    ...defaultHyperparameters('scratch'),
    d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 48,
    batch_size: 4, epochs: 8, learning_rate: 5e-3, warmup_ratio: 0.1, seed: 7, early_stopping_patience: 0, dropout: 0.1, attention_dropout: 0.1,
    ...o,
  };
}

/** A sink that records everything, with an optional hook on each progress call. */
export class RecordingSink implements TrainSink {
  readonly points: MetricWrite[] = [];
  readonly lines: { level: string; message: string }[] = [];
  readonly updates: Omit<RunProgress, 'runId'>[] = [];
  readonly devices: { provider: string; fallbackReason: string | null }[] = [];
  constructor(private readonly onProgress?: (p: Omit<RunProgress, 'runId'>) => void) {}
  progress(p: Omit<RunProgress, 'runId'>): void {
    this.updates.push(p);
    this.onProgress?.(p);
  }
  metrics(points: MetricWrite[]): void {
    this.points.push(...points);
  }
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.lines.push({ level, message });
  }
  device(provider: string, fallbackReason: string | null): void {
    this.devices.push({ provider, fallbackReason });
  }
  keys(): Set<string> {
    return new Set(this.points.map((p) => p.key));
  }
}
