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

export type PredictReply = { id: number; results: RankedLabel[][]; timing?: PredictTiming } | { id: number; error: string };

/** Sends prediction requests to one lazily started worker. */
export class Predictor {
  #worker: Worker | null = null;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (r: RankedLabel[][]) => void; reject: (e: Error) => void; settled: Promise<unknown> }>();
  /** The worker's tokenizing and session.run milliseconds over every answer so far. */
  readonly timing: PredictTiming = { tokenizeMs: 0, runMs: 0 };

  predict(
    modelDir: string,
    texts: string[],
    topK?: number,
    threads?: number,
    batching: { batchSize?: number; lengthBuckets?: boolean } = {},
  ): Promise<RankedLabel[][]> {
    const worker = this.#start();
    // Keep the process alive while an answer is due, and only then.
    worker.ref();
    const id = this.#next++;
    let resolve!: (r: RankedLabel[][]) => void;
    let reject!: (e: Error) => void;
    const answer = new Promise<RankedLabel[][]>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const settled = answer.then(() => undefined, () => undefined);
    this.#pending.set(id, { resolve, reject, settled });
    worker.postMessage({ id, modelDir, texts, ...(topK !== undefined ? { topK } : {}), ...(threads !== undefined ? { threads } : {}), ...batching } satisfies PredictRequest);
    return answer;
  }

  /**
   * Stops the worker once the answers still due have come back: terminating a thread inside ONNX
   * Runtime's session.run aborts the whole process (a cancelled classification job no longer waits
   * for its batch, so one can still be running here). Later requests start a new worker.
   */
  close(): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    if (!w) return Promise.resolve();
    const due = [...this.#pending.values()].map((p) => p.settled);
    return Promise.allSettled(due).then(() => w.terminate().then(() => undefined));
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(workerEntry('predict'));
    worker.unref();
    worker.on('message', (r: PredictReply) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in r) p.reject(new LanglabError('INVALID_ARGUMENT', r.error));
      else {
        if (r.timing) {
          this.timing.tokenizeMs += r.timing.tokenizeMs;
          this.timing.runMs += r.timing.runMs;
        }
        p.resolve(r.results);
      }
    });
    const failAll = (why: string) => {
      if (this.#worker === worker) this.#worker = null;
      for (const [, p] of this.#pending) p.reject(new LanglabError('INTERNAL', `The prediction worker stopped (${why}); try again.`));
      this.#pending.clear();
    };
    worker.on('error', (err) => failAll(err.message));
    worker.on('exit', (code) => failAll(`exit code ${code}`));
    this.#worker = worker;
    return worker;
  }
}
