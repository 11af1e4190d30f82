// The classification jobs running in this backend: each walks its folder and sends batches of
// texts to the prediction worker (inference never runs on the main thread), writing results to
// the store as they come and telling the page at a bounded rate.
import fs from 'node:fs';
import path from 'node:path';
import type { RankedLabel } from '../../preload/contract.ts';
import type { EventHub } from '../api/events.ts';
import { EXPORT_FILES } from '../engine/export/manifest.ts';
import { LanglabError } from '../errors.ts';
import { addResults, createJob, finishJob } from '../store/jobs.ts';
import type { StoreDb } from '../store/store.ts';
import { classifyFolder } from './classify-folder.ts';

/** The least time between two "job changed" events of one job (its start and end always go out). */
const EVENT_INTERVAL_MS = 300;

export interface ClassifyJobsOptions {
  db: StoreDb;
  events: EventHub;
  predict: (modelDir: string, texts: string[]) => Promise<RankedLabel[][]>;
}

export class ClassifyJobs {
  readonly #running = new Map<number, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly o: ClassifyJobsOptions) {}

  /** Creates the job's row and starts it in the background; returns its id (a model without labels throws first). */
  start(job: { runId: number | null; modelDir: string; root: string }): number {
    const labels = modelLabels(job.modelDir);
    const { db, events } = this.o;
    const id = createJob(db, { runId: job.runId, modelPath: job.modelDir, root: job.root });
    const controller = new AbortController();
    let lastEmit = 0;
    const changed = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastEmit < EVENT_INTERVAL_MS) return;
      lastEmit = now;
      events.emit('store.changed', { what: 'jobs', id });
    };
    changed(true);
    const done = classifyFolder({
      root: job.root,
      labels,
      signal: controller.signal,
      predict: (texts) => this.o.predict(job.modelDir, texts),
      onBatch: (rows, counts) => {
        addResults(db, id, rows, counts);
        changed(false);
      },
    }).then(
      () => finishJob(db, id, 'FINISHED'),
      (err: unknown) => {
        if (controller.signal.aborted) finishJob(db, id, 'KILLED', 'Cancelled; the files classified before that are kept.');
        else finishJob(db, id, 'FAILED', err instanceof Error ? err.message : String(err));
      },
    ).then(
      () => {
        this.#running.delete(id);
        changed(true);
      },
      () => {
        this.#running.delete(id); // the store is closed: the next start marks the job INTERRUPTED
      },
    );
    this.#running.set(id, { controller, done });
    return id;
  }

  /** Asks a running job to stop; false when it is not running here. */
  cancel(id: number): boolean {
    const job = this.#running.get(id);
    job?.controller.abort();
    return job !== undefined;
  }

  /** Resolves when the job has ended (at once when it is not running here). */
  async settled(id: number): Promise<void> {
    await this.#running.get(id)?.done;
  }

  /** Stops every job (the backend is closing). */
  cancelAll(): void {
    for (const job of this.#running.values()) job.controller.abort();
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
