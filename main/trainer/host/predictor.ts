// Ranked predictions from exported models, computed in a worker thread that keeps recently used
// models loaded (the Try it box asks again and again with the same run).

import type { Worker } from 'node:worker_threads';
import type { RankedLabel } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { workerEntry } from '../../worker/entries.ts';
import { startWorker } from '../../worker/start-worker.ts';

export interface PredictRequest {
  id: number;
  modelDir: string;
  /** Further models for the same texts (a job comparing two runs): the reply has one ranked list per model, `modelDir` first. */
  moreModelDirs?: string[];
  texts: string[];
  topK?: number;
  /** ONNX Runtime's intra-op threads for this model: 1 for the Try it box, every core for a batch job. */
  threads?: number;
  /** Rows per session.run (default 16) and whether they are batched by length (default on); the benchmark compares them. */
  batchSize?: number;
  lengthBuckets?: boolean;
}

/** Worker milliseconds a request spent tokenizing and in session.run. */
export interface PredictTiming {
  tokenizeMs: number;
  runMs: number;
}

export type PredictReply = { id: number; results: RankedLabel[][]; more?: RankedLabel[][][]; timing?: PredictTiming } | { id: number; error: string };

/**
 * Sends prediction requests to lazily started workers: one by default (the Try it box, evaluations),
 * several for a classification job, each request going to the worker with the fewest answers due
 * (ties to the first), so batches asked for one after another alternate between them and every
 * core runs a session. Each worker loads its own copy of a model.
 */
export class Predictor {
  /** One slot per worker, null until its first request (and again after it stopped). */
  readonly #workers: (Worker | null)[];
  #next = 1;
  /** Answers due, each with the worker asked (a closed worker's exit fails only its own) and a promise that settles with it. */
  readonly #pending = new Map<number, { resolve: (r: RankedLabel[][][]) => void; reject: (e: Error) => void; worker: Worker; settled: Promise<unknown> }>();
  /** The worker's tokenizing and session.run milliseconds over every answer so far. */
  readonly timing: PredictTiming = { tokenizeMs: 0, runMs: 0 };

  constructor(o: { workers?: number } = {}) {
    const n = o.workers ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`Predictor: workers must be a positive integer, got ${n}`);
    this.#workers = new Array<Worker | null>(n).fill(null);
  }

  /** How many workers requests are spread over. */
  get workers(): number {
    return this.#workers.length;
  }

  predict(
    modelDir: string,
    texts: string[],
    topK?: number,
    threads?: number,
    batching: { batchSize?: number; lengthBuckets?: boolean } = {},
  ): Promise<RankedLabel[][]> {
    return this.#ask([modelDir], texts, topK, threads, batching).then((perModel) => perModel[0]);
  }

  /**
   * Two models over the same texts in one request: the texts cross to the worker once and are
   * tokenized once when the models share a tokenizer. Resolves with each model's ranked lists.
   */
  predictPair(modelDirs: readonly [string, string], texts: string[], topK?: number, threads?: number): Promise<{ a: RankedLabel[][]; b: RankedLabel[][] }> {
    return this.#ask(modelDirs, texts, topK, threads, {}).then(([a, b]) => ({ a, b }));
  }

  #ask(
    modelDirs: readonly string[],
    texts: string[],
    topK: number | undefined,
    threads: number | undefined,
    batching: { batchSize?: number; lengthBuckets?: boolean },
  ): Promise<RankedLabel[][][]> {
    const worker = this.#start(this.#leastBusy());
    // Keep the process alive while an answer is due, and only then.
    worker.ref();
    const id = this.#next++;
    const [modelDir, ...more] = modelDirs;
    let resolve!: (r: RankedLabel[][][]) => void;
    let reject!: (e: Error) => void;
    const answer = new Promise<RankedLabel[][][]>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#pending.set(id, { resolve, reject, worker, settled: answer.then(() => undefined, () => undefined) });
    worker.postMessage({
      id,
      modelDir,
      ...(more.length > 0 ? { moreModelDirs: more } : {}),
      texts,
      ...(topK !== undefined ? { topK } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...batching,
    } satisfies PredictRequest);
    return answer;
  }

  /**
   * Stops each worker once the answers still due from it have come back: terminating a thread inside
   * ONNX Runtime's session.run aborts the whole process (a cancelled classification job no longer
   * waits for its batch, so one can still be running there). Later requests start new workers.
   */
  close(): Promise<void> {
    const stopping = this.#workers.filter((w): w is Worker => w !== null);
    this.#workers.fill(null);
    return Promise.all(stopping.map((w) => {
      const due = [...this.#pending.values()].filter((p) => p.worker === w).map((p) => p.settled);
      return Promise.allSettled(due).then(() => w.terminate());
    })).then(() => undefined);
  }

  /** The slot whose worker has the fewest answers due (a slot not started has none). */
  #leastBusy(): number {
    const due = this.#workers.map((w) => (w ? [...this.#pending.values()].filter((p) => p.worker === w).length : 0));
    return due.indexOf(Math.min(...due));
  }

  #start(slot: number): Worker {
    const running = this.#workers[slot];
    if (running) return running;
    const worker = startWorker(workerEntry('predict'));
    worker.unref();
    worker.on('message', (r: PredictReply) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (![...this.#pending.values()].some((q) => q.worker === worker)) worker.unref();
      if ('error' in r) p.reject(new LanglabError('INVALID_ARGUMENT', r.error));
      else {
        if (r.timing) {
          this.timing.tokenizeMs += r.timing.tokenizeMs;
          this.timing.runMs += r.timing.runMs;
        }
        p.resolve([r.results, ...(r.more ?? [])]);
      }
    });
    const failAll = (why: string) => {
      if (this.#workers[slot] === worker) this.#workers[slot] = null;
      for (const [id, p] of this.#pending) {
        if (p.worker !== worker) continue;
        this.#pending.delete(id);
        p.reject(new LanglabError('INTERNAL', `The prediction worker stopped (${why}); try again.`));
      }
    };
    worker.on('error', (err) => failAll(err.message));
    worker.on('exit', (code) => failAll(`exit code ${code}`));
    this.#workers[slot] = worker;
    return worker;
  }
}
