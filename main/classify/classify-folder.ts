// Classifies every text file under a folder with a trained model: the walk a repository build
// uses (nested .gitignore files, vendored folders, generated and minified files, symlink loops),
// then batches of file texts through `predict`, each batch handed over with the job's counters.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBinaryFile } from 'isbinaryfile';
import type { RankedLabel, SecondPrediction } from '../../preload/contract.ts';
import { GitignoreSet } from '../data/gitignore.ts';
import { labelForLanguage, languageByContent, languageForFileName } from '../data/linguist.ts';
import { displayPath } from '../data/path-bytes.ts';
import { mapBounded } from '../data/pool.ts';
import { cancelled, ProgressReporter } from '../data/progress.ts';
import { contentVerdict, fileNameVerdict, repositoryFolderCheck } from '../data/repo-filters.ts';
import { decodeText } from '../data/text-check.ts';
import { inode, walkFiles, type WalkEntry } from '../data/walk.ts';
import type { SkipReason } from '../data/types.ts';
import { LanglabError } from '../errors.ts';
import { agreement, labelOverlap } from '../store/job-comparison.ts';
import type { ClassifiedRow, LeftOutRow } from '../store/jobs.ts';

/**
 * Files larger than this are left out (the model reads a few hundred bytes of each anyway). The
 * walk judges by the size it stats, so a 1 GB file is never opened; a file that grew past it since
 * is read no further than this.
 */
export const CLASSIFY_MAX_BYTES = 1024 * 1024;
/**
 * Prediction workers a classification job spreads its batches over, each running its own ONNX
 * Runtime session with CLASSIFY_INFERENCE_THREADS intra-op threads: one per core, up to 4. Separate
 * single-threaded sessions on alternate batches keep every core busy without the intra-op threads'
 * hand-offs, which at this model size cost more than they share (bench/classify.ts, side by side:
 * on 2 cores, two workers of 1 thread against one of 1 thread and one of 2).
 */
export const CLASSIFY_WORKERS = Math.min(4, os.availableParallelism());
/** Intra-op threads of each classification worker: the cores shared out among the workers. */
export const CLASSIFY_INFERENCE_THREADS = Math.max(1, Math.floor(os.availableParallelism() / CLASSIFY_WORKERS));
/** Files read and classified together. */
export const CLASSIFY_BATCH = 64;
/** Files of a batch read at once. */
const READ_CONCURRENCY = 8;
/** `.yaml` is YAML in a repository, though Linguist also lists dialects for it. */
const OVERRIDES = new Map<string, string | null>([['.yaml', 'YAML']]);

export interface ClassifyFolderOptions {
  root: string;
  /** The model's labels, to say which one a file's extension names. */
  labels: readonly string[];
  /** Ranked labels per text; a job comparing two runs answers both models' lists (`a` for `labels`' model, `b` for `secondLabels`'). */
  predict: (texts: string[]) => Promise<RankedLabel[][] | PairedRanked>;
  /** The second model's labels, in a job comparing two runs: rows get `second`, compared over the labels both have. */
  secondLabels?: readonly string[];
  /** Each batch of results with the counters so far and what was left out since the last batch; awaited before the next batch is read. */
  onBatch: (rows: ClassifiedRow[], counts: { total: number; done: number; skipped: number }, leftOut: LeftOutRow[]) => void | Promise<void>;
  signal?: AbortSignal;
  batchSize?: number;
  /**
   * Overlap the stages (default on): the next batch is read while this one is in the prediction
   * worker, and the next batch's prediction is asked for before this one is stored, so the worker
   * always has work queued. Off: read, predict, store one batch at a time (the benchmark's baseline).
   */
  pipeline?: boolean;
  /**
   * Batches asked of `predict` and not yet stored, overlapped (default 2: one being stored or read
   * while the next is in the worker). With several prediction workers, twice their number keeps
   * one batch queued behind each one's current batch.
   */
  inFlight?: number;
  /** Adds the milliseconds each stage took on this thread (the classify benchmark prints them). */
  timing?: ClassifyTiming;
  /** Files larger than this many bytes are left out as oversize (CLASSIFY_MAX_BYTES by default). */
  maxBytes?: number;
  /** Called with the files found so far while the folder is walked (after every 500, and at the end). */
  onWalk?: (found: number) => void;
}

/** Two models' ranked labels for the same texts. */
export interface PairedRanked {
  a: RankedLabel[][];
  b: RankedLabel[][];
}

/** Main-thread milliseconds per stage; `predictWait` is the time spent waiting on the worker with nothing else to do. */
export interface ClassifyTiming {
  walk: number;
  read: number;
  decode: number;
  predictWait: number;
  store: number;
}

export const emptyTiming = (): ClassifyTiming => ({ walk: 0, read: 0, decode: 0, predictWait: 0, store: 0 });

/**
 * The model's label that a file name's extension names, or null: only an extension Linguist maps
 * to one language counts (`.h` or `.rs` say nothing), and a language the model does not know
 * counts only when the extension itself is one of the labels (`pom.xml` -> xml).
 */
export function extensionLabel(fileName: string, labels: readonly string[]): string | null {
  return extensionVerdict(fileName, labels).label;
}

/**
 * What a file name's extension says: the model's label it names (`label`), or else the one
 * language it names that the model has no label for (`language`, Linguist's name), or neither.
 * With the file's text, Linguist's content rules settle what the name alone gets wrong: a Qt `.ts`
 * translation says XML, not TypeScript.
 */
export function extensionVerdict(fileName: string, labels: readonly string[], text?: string): { label: string | null; language: string | null } {
  const verdict = languageForFileName(fileName, OVERRIDES);
  if (!verdict || !('language' in verdict)) return { label: null, language: null };
  const shown = text === undefined ? null : languageByContent(verdict.language, text);
  if (shown) {
    const label = labelForLanguage(shown, labels);
    return { label, language: label ? null : shown };
  }
  const known = labelForLanguage(verdict.language, labels);
  if (known) return { label: known, language: null };
  const ext = path.posix.extname(fileName).slice(1).toLowerCase();
  const byExtension = labels.find((l) => l.toLowerCase() === ext) ?? null;
  return byExtension ? { label: byExtension, language: null } : { label: null, language: verdict.language };
}

/** The second model's prediction for a file, and whether it agrees with the first model's label. */
function secondPrediction(first: string, ranked: RankedLabel[], shared: ReadonlySet<string>): SecondPrediction {
  return { label: ranked[0].label, confidence: ranked[0].probability, top: ranked, agree: agreement(first, ranked[0].label, shared) };
}

/** A file's text, or why it is left out: binary, not UTF-8, empty, generated, minified or unreadable (removed since the walk). */
async function readText(entry: WalkEntry, maxBytes: number, timing?: ClassifyTiming): Promise<{ text: string } | { skip: SkipReason }> {
  try {
    const bytes = await readAtMost(entry.abs, maxBytes);
    if (bytes === null) return { skip: 'oversize' };
    const t0 = performance.now();
    try {
      if (await isBinaryFile(bytes, bytes.length)) return { skip: 'binary' };
      const decoded = decodeText(bytes);
      if (!('text' in decoded)) return decoded;
      const verdict = contentVerdict(decoded.text);
      return verdict ? { skip: verdict } : decoded;
    } finally {
      if (timing) timing.decode += performance.now() - t0;
    }
  } catch {
    return { skip: 'unreadable' };
  }
}

/**
 * A file's bytes, or null when it holds more than `max`: never more than `max + 1` bytes are read,
 * however large the file is or has grown since it was listed.
 */
export async function readAtMost(abs: Buffer | string, max: number): Promise<Buffer | null> {
  const file = await fsp.open(abs, 'r');
  try {
    const { size } = await file.stat();
    if (size > max) return null;
    // One byte more than the listed size, so a file that grew shows it without a second buffer.
    let buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > max) return null;
        const bigger = Buffer.allocUnsafe(Math.min(2 * buf.length, max + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const { bytesRead } = await file.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n > max ? null : buf.subarray(0, n);
  } finally {
    await file.close();
  }
}

/** Resolves as `work` does, or rejects as cancelled as soon as `signal` fires (what `work` answers later is dropped). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Walks `root`, then classifies its text files batch by batch. Resolves with the final counters. */
export async function classifyFolder(o: ClassifyFolderOptions): Promise<{ total: number; done: number; skipped: number }> {
  const { signal } = o;
  const batchSize = o.batchSize ?? CLASSIFY_BATCH;
  const maxBytes = o.maxBytes ?? CLASSIFY_MAX_BYTES;
  const check = () => {
    if (signal?.aborted) throw cancelled();
  };
  const timing = o.timing;
  const since = (t0: number, key: keyof ClassifyTiming) => {
    if (timing) timing[key] += performance.now() - t0;
  };
  const tWalk = performance.now();
  let leftOut: LeftOutRow[] = [];
  const base = Buffer.from(path.resolve(o.root));
  const realRoot = await fsp.realpath(base.toString());
  const gitignore = new GitignoreSet();
  await gitignore.load(base, '');
  const files: WalkEntry[] = [];
  const walk = walkFiles(
    base,
    Buffer.alloc(0),
    {
      progress: new ProgressReporter({ signal }),
      skip: (reason, rel) => void leftOut.push({ path: rel, reason }),
      enterDir: repositoryFolderCheck(gitignore),
      once: { realRoot },
      checkFile: (relBytes, size) => {
        const rel = displayPath(relBytes);
        if (gitignore.ignores(rel, false)) return 'gitignored';
        const byName = fileNameVerdict(path.posix.basename(rel));
        if (byName) return byName;
        return size > maxBytes ? 'oversize' : null;
      },
    },
    [inode(await fsp.stat(base))],
  );
  for await (const entry of walk) {
    check();
    files.push(entry);
    if (files.length % 500 === 0) o.onWalk?.(files.length);
  }
  o.onWalk?.(files.length);
  since(tWalk, 'walk');
  const counts = { total: files.length, done: 0, skipped: leftOut.length };
  if (files.length === 0) {
    await o.onBatch([], { ...counts }, leftOut);
    throw new LanglabError(
      'INVALID_ARGUMENT',
      counts.skipped === 0
        ? `${o.root} holds no file to classify. Pick the folder of a repository.`
        : `No file under ${o.root} can be classified: all ${counts.skipped} files and folders found were left out (the list below says why).`,
    );
  }
  await o.onBatch([], { ...counts }, leftOut);
  leftOut = [];
  let classified = 0;

  // One batch's texts, read with the bounded concurrency the dataset scans use, and what it left out.
  // Never rejects (an unreadable file is a left-out row), so a read started ahead can be dropped.
  const readBatch = async (start: number) => {
    const t0 = performance.now();
    const decode0 = timing?.decode ?? 0;
    const verdicts = await mapBounded(files.slice(start, start + batchSize), READ_CONCURRENCY, (e) => readText(e, maxBytes, timing));
    const read: { rel: string; size: number; text: string }[] = [];
    const skipped: LeftOutRow[] = [];
    verdicts.forEach((verdict, k) => {
      const entry = files[start + k];
      if ('skip' in verdict) skipped.push({ path: displayPath(entry.rel), reason: verdict.skip });
      else read.push({ rel: displayPath(entry.rel), size: entry.size, text: verdict.text });
    });
    // Reading's share is the batch's wall time less the decoding counted file by file.
    if (timing) timing.read += performance.now() - t0 - (timing.decode - decode0);
    return { start, read, skipped };
  };
  type Batch = Awaited<ReturnType<typeof readBatch>>;
  type Predicted = RankedLabel[][] | PairedRanked;
  const predictBatch = (b: Batch): Promise<Predicted> => (b.read.length > 0 ? o.predict(b.read.map((r) => r.text)) : Promise.resolve([]));
  const shared = o.secondLabels ? new Set(labelOverlap(o.labels, o.secondLabels).shared) : null;
  const store = async (b: Batch, predicting: Promise<Predicted>) => {
    const t0 = performance.now();
    // A cancel does not wait for the worker to finish the batch it has: the job ends now.
    const predicted = await unlessAborted(predicting, signal);
    const ranked = Array.isArray(predicted) ? predicted : predicted.a;
    const second = Array.isArray(predicted) || !shared ? null : predicted.b;
    since(t0, 'predictWait');
    check();
    const t1 = performance.now();
    const rows = b.read.map((r, k): ClassifiedRow => {
      const extension = extensionVerdict(path.posix.basename(r.rel), o.labels, r.text);
      return {
        path: r.rel,
        label: ranked[k][0].label,
        confidence: ranked[k][0].probability,
        extensionLabel: extension.label,
        extensionLanguage: extension.language,
        size: r.size,
        top: ranked[k],
        ...(second && shared ? { second: secondPrediction(ranked[k][0].label, second[k], shared) } : {}),
      };
    });
    counts.skipped += b.skipped.length;
    leftOut.push(...b.skipped);
    counts.done = Math.min(files.length, b.start + batchSize);
    classified += rows.length;
    await o.onBatch(rows, { ...counts }, leftOut);
    leftOut = [];
    since(t1, 'store');
  };

  if (o.pipeline === false) {
    for (let i = 0; i < files.length; i += batchSize) {
      check();
      const b = await readBatch(i);
      await store(b, predictBatch(b));
    }
  } else {
    // Stages overlap: while batch k is in a worker, batch k+1 is read; up to `inFlight` batches are
    // asked for before the oldest is stored. Batches are stored in order, so results and counters
    // are the same as one batch at a time.
    const inFlight = Math.max(2, o.inFlight ?? 2);
    let reading: Promise<Batch> | null = readBatch(0);
    const pending: { batch: Batch; predicting: Promise<Predicted> }[] = [];
    while (reading) {
      check();
      const batch: Batch = await reading;
      const nextStart = batch.start + batchSize;
      reading = nextStart < files.length ? readBatch(nextStart) : null;
      const predicting = predictBatch(batch);
      // A failed prediction is reported when its batch is stored, not as an unhandled rejection.
      predicting.catch(() => undefined);
      pending.push({ batch, predicting });
      if (pending.length >= inFlight) {
        const oldest = pending.shift()!;
        await store(oldest.batch, oldest.predicting);
      }
    }
    for (let oldest = pending.shift(); oldest; oldest = pending.shift()) await store(oldest.batch, oldest.predicting);
  }
  if (classified === 0) {
    throw new LanglabError('INVALID_ARGUMENT', `None of the ${counts.total} files under ${o.root} is a text file the model can read: each was left out (the list below says why).`);
  }
  return counts;
}
