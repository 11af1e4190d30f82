// The classification jobs running in this backend: each walks its folder and sends batches of
// texts to the prediction worker (inference never runs on the main thread), writing results to
// the store as they come. Each is a store-backed job in the job registry, so its progress (with
// the language breakdown so far) goes out as `job.progress` at the registry's rate.
import fs from 'node:fs';
import path from 'node:path';
import type { ClassifyPrecision, RankedLabel } from '../../preload/contract.ts';
import { EXPORT_FILES } from '../engine/export/manifest.ts';
import { LanglabError } from '../errors.ts';
import type { BridgeEvents } from '../jobs/bridge-events.ts';
import type { JobRegistry } from '../jobs/registry.ts';
import { addResults, createJob, finishJob } from '../store/jobs.ts';
import type { StoreDb } from '../store/store.ts';
import { BreakdownTally } from './breakdown-tally.ts';
import { type ClassifyFolderOptions, classifyFolder, type PairedRanked } from './classify-folder.ts';
import { RateMeter } from './rate-meter.ts';

export interface ClassifyJobsOptions {
  db: StoreDb;
  events: BridgeEvents;
  jobs: JobRegistry;
  predict: (modelDir: string, texts: string[]) => Promise<RankedLabel[][]>;
  /** Two models over the same texts in one pass (the prediction worker reads each batch once for both); without it, `predict` is asked once per model. */
  predictPair?: (modelDirs: readonly [string, string], texts: string[]) => Promise<PairedRanked>;
  /** Passed to every job's folder walk (the classify benchmark's baseline and stage timing). */
  folderOptions?: Pick<ClassifyFolderOptions, 'pipeline' | 'timing' | 'batchSize' | 'maxBytes' | 'inFlight'>;
}

const END_STATUS = { done: 'FINISHED', failed: 'FAILED', cancelled: 'KILLED' } as const;

export class ClassifyJobs {
  /** Store id -> registry id, for the jobs running here. */
  readonly #running = new Map<number, string>();

  constructor(private readonly o: ClassifyJobsOptions) {}

  /**
   * Creates the job's row and starts it in the background; returns its id (a model without labels
   * throws first, before anything is stored). Threshold 0 by default. With `second`, each file is
   * classified by both models and the job stores both predictions.
   */
  start(job: {
    runId: number | null;
    modelDir: string;
    root: string;
    threshold?: number;
    second?: { runId: number | null; modelDir: string };
    /** What the model folders hold (stored with the job; the caller picks the folders). */
    precision?: ClassifyPrecision;
  }): number {
    const labels = modelLabels(job.modelDir);
    const second = job.second ? { ...job.second, labels: modelLabels(job.second.modelDir) } : null;
    const { db, events, jobs } = this.o;
    const id = createJob(db, {
      runId: job.runId,
      modelPath: job.modelDir,
      root: job.root,
      threshold: job.threshold ?? 0,
      precision: job.precision ?? 'float32',
      ...(second ? { second: { runId: second.runId, modelPath: second.modelDir, labels: { a: labels, b: second.labels } } } : {}),
    });
    const tally = new BreakdownTally(job.threshold ?? 0);
    const store = {
      id,
      ended: (status: keyof typeof END_STATUS, error: string | null) => {
        this.#running.delete(id);
        finishJob(db, id, END_STATUS[status], status === 'cancelled' ? 'Cancelled; the files classified before that are kept.' : error);
        events.emit('store.changed', { what: 'jobs', id });
      },
    };
    const initial = { filesTotal: 0, filesFound: 0, filesDone: 0, filesSkipped: 0, ...tally.snapshot(), filesPerSecond: null, etaSeconds: null };
    const rate = new RateMeter();
    const info = jobs.start(
      'classify',
      `Classifying ${job.root}`,
      initial,
      async (control) => {
        await classifyFolder({
          ...this.o.folderOptions,
          root: job.root,
          labels,
          signal: control.signal,
          ...(second ? { secondLabels: second.labels } : {}),
          predict: second ? (texts) => this.#predictPair([job.modelDir, second.modelDir], texts) : (texts) => this.o.predict(job.modelDir, texts),
          onWalk: (found) => control.progress({ filesFound: found }),
          onBatch: (rows, counts, leftOut) => {
            addResults(db, id, rows, counts, leftOut);
            tally.add(rows);
            control.progress({ filesTotal: counts.total, filesDone: counts.done, filesSkipped: counts.skipped, ...tally.snapshot(), ...rate.update(counts.done, counts.total) });
          },
        });
        return id;
      },
      { store },
    );
    this.#running.set(id, info.jobId);
    events.emit('store.changed', { what: 'jobs', id });
    return id;
  }

  #predictPair(modelDirs: readonly [string, string], texts: string[]): Promise<PairedRanked> {
    if (this.o.predictPair) return this.o.predictPair(modelDirs, texts);
    return Promise.all([this.o.predict(modelDirs[0], texts), this.o.predict(modelDirs[1], texts)]).then(([a, b]) => ({ a, b }));
  }

  /** Asks a running job to stop; false when it is not running here. */
  cancel(id: number): boolean {
    const jobId = this.#running.get(id);
    if (jobId !== undefined) this.o.jobs.cancel(jobId);
    return jobId !== undefined;
  }

  /** Resolves when the job has ended (at once when it is not running here). */
  async settled(id: number): Promise<void> {
    const jobId = this.#running.get(id);
    if (jobId !== undefined) await this.o.jobs.settled(jobId);
  }
}

/** The labels an exported model answers with, from its manifest. */
export function modelLabels(modelDir: string): string[] {
  const file = path.join(modelDir, EXPORT_FILES.manifest);
  try {
    const labels = (JSON.parse(fs.readFileSync(file, 'utf8')) as { labels?: unknown }).labels;
    if (Array.isArray(labels) && labels.every((l) => typeof l === 'string')) return labels;
  } catch {
    // Reported below.
  }
  throw new LanglabError('NOT_AVAILABLE', `The model's manifest ${file} is missing or has no label list; export the run's model again.`);
}
