// Reads a run's dataset from the store (read-only: the host process is the store's writer),
// tokenizes every file once, and holds out a validation split when the dataset has none.
import type { FileProfile } from '../engine/tokenize/file-profile.ts';
import { LanglabError } from '../errors.ts';
import { stratifiedSplit } from '../data/split.ts';
import type { Split } from '../data/types.ts';
import { type DatasetFileRow, listDatasetFiles, readDatasetFileText } from '../store/dataset-files.ts';
import { openStore } from '../store/store.ts';

/** One tokenized file. */
export interface Example {
  fileIndex: number;
  path: string;
  label: number;
  ids: Int32Array;
  /** For training files when random windows are on: the longer sequence windows are drawn from. */
  source?: Int32Array;
  /** The file's n-gram profile, when the model reads one (`profile_buckets`). */
  profile?: FileProfile;
  /** The project the dataset records for the file, if any (`project_balance` weighs by it). */
  project?: string;
}

/** The three splits of a run, over one label order (sorted label names). */
export interface RunData {
  labels: string[];
  train: Example[];
  validation: Example[];
  test: Example[];
  /** True when the validation split was held out of train (the dataset had none). */
  heldOut: boolean;
}

export interface LoadOptions {
  storeFile: string;
  datasetId: number;
  tokenize: (text: string) => number[];
  /** Keeps each training file's window source too (random windows). */
  source?: (text: string) => Int32Array;
  /** Keeps every file's n-gram profile too. */
  profile?: (text: string) => FileProfile;
  validationSplit: number;
  seed: number;
  signal?: AbortSignal;
  nativeBinding?: string;
  onProgress?: (done: number, total: number) => void;
}

const PAGE = 1000;
const READ_CONCURRENCY = 8;

/** Loads, tokenizes and splits the dataset; bad data is an INVALID_ARGUMENT naming the problem. */
export async function loadRunData(o: LoadOptions): Promise<RunData> {
  const store = openRunStore(o);
  const db = store.db;
  try {
    const files: DatasetFileRow[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = listDatasetFiles(db, o.datasetId, { offset, limit: PAGE });
      files.push(...page.files);
      if (page.files.length < PAGE || files.length >= page.total) break;
    }
    if (files.length === 0) throw new LanglabError('INVALID_ARGUMENT', `Dataset ${o.datasetId} has no files (or does not exist); add files to it or pick another dataset.`);
    const labels = [...new Set(files.map((f) => f.label))].sort();
    if (labels.length < 2) {
      throw new LanglabError('INVALID_ARGUMENT', `Dataset ${o.datasetId} has only one class (${labels[0]}); a classifier needs at least two.`);
    }
    const labelId = new Map(labels.map((l, i) => [l, i]));
    const ids = new Array<Int32Array>(files.length);
    const sources = new Array<Int32Array | undefined>(files.length);
    const profiles = new Array<FileProfile | undefined>(files.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < files.length) {
        if (o.signal?.aborted) return;
        const i = next++;
        const text = await readDatasetFileText(db, o.datasetId, files[i].index);
        ids[i] = Int32Array.from(o.tokenize(text));
        if (o.source && files[i].split === 'train') sources[i] = o.source(text);
        if (o.profile) profiles[i] = o.profile(text);
        done++;
        if (done % 200 === 0) o.onProgress?.(done, files.length);
      }
    };
    await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
    const bySplit: Record<Split, Example[]> = { train: [], validation: [], test: [] };
    if (o.signal?.aborted) return { labels, ...bySplit, heldOut: false };
    files.forEach((f, i) => {
      const example: Example = { fileIndex: f.index, path: f.path, label: labelId.get(f.label)!, ids: ids[i] };
      const source = sources[i];
      if (source && source.length > ids[i].length) example.source = source;
      const profile = profiles[i];
      if (profile) example.profile = profile;
      if (f.project) example.project = f.project;
      bySplit[f.split].push(example);
    });

    if (bySplit.train.length === 0) throw new LanglabError('INVALID_ARGUMENT', `Dataset ${o.datasetId} has an empty train split; training needs files in it.`);
    if (bySplit.test.length === 0) throw new LanglabError('INVALID_ARGUMENT', `Dataset ${o.datasetId} has an empty test split; the final evaluation needs files in it.`);
    let heldOut = false;
    if (bySplit.validation.length === 0) {
      const trainRows = files.filter((f) => f.split === 'train');
      const assigned = stratifiedSplit(trainRows.map((f) => ({ label: f.label, sha256: f.sha256 })), o.seed, 0, o.validationSplit);
      const train = bySplit.train;
      bySplit.train = train.filter((_, i) => assigned[i] !== 'validation');
      bySplit.validation = train.filter((_, i) => assigned[i] === 'validation');
      heldOut = true;
      if (bySplit.validation.length === 0 || bySplit.train.length === 0) {
        throw new LanglabError('INVALID_ARGUMENT',
          `Dataset ${o.datasetId} has no validation split and its ${train.length} training files are too few to hold out ${o.validationSplit} of them (validation_split); add files or a validation split.`);
      }
    }
    return { labels, ...bySplit, heldOut };
  } finally {
    store.close();
  }
}

/**
 * The texts of some of a run's files (by `fileIndex`), read again from the store: the second look
 * needs the few test files the model is unsure of, known only once it has scored them.
 */
export async function readExampleTexts(o: Pick<LoadOptions, 'storeFile' | 'datasetId' | 'nativeBinding'>, examples: readonly Example[]): Promise<string[]> {
  const store = openRunStore(o);
  try {
    const texts: string[] = [];
    for (const e of examples) texts.push(await readDatasetFileText(store.db, o.datasetId, e.fileIndex));
    return texts;
  } finally {
    store.close();
  }
}

/** The store, read-only: the host process is its writer. */
function openRunStore(o: Pick<LoadOptions, 'storeFile' | 'nativeBinding'>): ReturnType<typeof openStore> {
  return openStore({ file: o.storeFile, readonly: true, ...(o.nativeBinding ? { nativeBinding: o.nativeBinding } : {}) });
}
