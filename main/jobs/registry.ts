import { randomUUID } from 'node:crypto';
import type { JobInfo, JobKind, JobOf, JobProgressByKind, JobStatus, ScanJobProgress } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { TrailingThrottle } from './throttle.ts';

/** What a job's work gets: the signal to stop on, and a way to say how far it is. */
export interface JobControl<K extends JobKind> {
  readonly signal: AbortSignal;
  /** Merges `update` into the job's progress; a phase change goes out at once, counters at a bounded rate. */
  progress(update: Partial<JobProgressByKind[K]>): void;
}

/** A job whose rows live in the store as it runs (a classification job): the registry tells the store how it ended. */
export interface JobStoreBacking {
  id: number;
  /** Records the job's end in the store; called once, before the last event goes out. */
  ended(status: Exclude<JobStatus, 'running'>, error: string | null): void;
}

interface Entry {
  info: JobInfo;
  controller: AbortController;
  throttle: TrailingThrottle<JobInfo>;
  ended: Promise<void>;
}

/** Where every dataset scan and evaluation starts. */
export const SCAN_JOB_START: ScanJobProgress = { phase: 'start', filesSeen: 0, bytesSeen: 0, current: null, fraction: null };

/** The least time between two progress events of one job (phase and status changes always go out at once). */
export const JOB_EVENT_INTERVAL_MS = 200;

/**
 * Every long operation in flight (dataset scans and saves, evaluations, classification jobs) and
 * the last few finished ones, so a reloaded page can show what is running. Each job has an id, a
 * kind, a status and its kind's progress, one cancel, and one rate limit on its events.
 */
export class JobRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #emit: (info: JobInfo) => void;
  readonly #intervalMs: number;
  readonly #keepFinished: number;

  constructor(emit: (info: JobInfo) => void, options: { intervalMs?: number; keepFinished?: number } = {}) {
    this.#emit = emit;
    this.#intervalMs = options.intervalMs ?? JOB_EVENT_INTERVAL_MS;
    this.#keepFinished = options.keepFinished ?? 20;
  }

  /**
   * Starts `work` on the next turn and returns the job at once, so the caller has it before its
   * first update; `work` resolves with the id of what it made.
   */
  start<K extends JobKind>(
    kind: K,
    title: string,
    initial: JobProgressByKind[K],
    work: (control: JobControl<K>) => Promise<number>,
    options: { store?: JobStoreBacking } = {},
  ): JobOf<K> {
    const { store } = options;
    const first = {
      jobId: randomUUID(),
      kind,
      title,
      status: 'running',
      startedAt: Date.now(),
      endedAt: null,
      error: null,
      storeId: store?.id ?? null,
      resultId: null,
      ...initial,
    } as JobOf<K>;
    let endedResolve!: () => void;
    const entry: Entry = {
      info: first as JobInfo,
      controller: new AbortController(),
      throttle: new TrailingThrottle((info) => this.#emit(info), this.#intervalMs),
      ended: new Promise<void>((resolve) => (endedResolve = resolve)),
    };
    this.#entries.set(first.jobId, entry);
    const control: JobControl<K> = {
      signal: entry.controller.signal,
      progress: (update) => {
        if (entry.info.status !== 'running') return;
        const phaseChanged = 'phase' in update && 'phase' in entry.info && update.phase !== entry.info.phase;
        entry.info = { ...entry.info, ...update } as JobInfo;
        this.#send(entry, phaseChanged);
      },
    };
    this.#send(entry, true);
    void Promise.resolve()
      .then(() => work(control))
      .then(
        (resultId) => this.#end(entry, store, { status: 'done', error: null, resultId }),
        (err: unknown) => {
          const wasCancelled = entry.controller.signal.aborted || (err instanceof LanglabError && err.code === 'CANCELLED');
          const message = err instanceof Error ? err.message : String(err);
          this.#end(entry, store, wasCancelled ? { status: 'cancelled', error: null } : { status: 'failed', error: message });
        },
      )
      .finally(endedResolve);
    return { ...first };
  }

  list(): JobInfo[] {
    return [...this.#entries.values()].map((e) => ({ ...e.info }));
  }

  /** Asks a running job to stop; it ends 'cancelled' once its work has let go. */
  cancel(jobId: string): JobInfo {
    const entry = this.#entries.get(jobId);
    if (!entry) throw new LanglabError('NOT_FOUND', `There is no job ${jobId}; it may have finished before the app restarted.`);
    entry.controller.abort();
    return { ...entry.info };
  }

  /** Resolves once the job has ended and its last event has gone out (at once for a job not known here). */
  async settled(jobId: string): Promise<void> {
    await this.#entries.get(jobId)?.ended;
  }

  /** Stops everything still running (the app is closing). */
  cancelAll(): void {
    for (const entry of this.#entries.values()) if (entry.info.status === 'running') entry.controller.abort();
  }

  #end(entry: Entry, store: JobStoreBacking | undefined, outcome: { status: Exclude<JobStatus, 'running'>; error: string | null; resultId?: number }): void {
    try {
      store?.ended(outcome.status, outcome.error);
    } catch {
      // The store is closed (the app is quitting): its next start marks the row INTERRUPTED.
    }
    const done = outcome.status === 'done' && 'phase' in entry.info ? { phase: 'done' as const, current: null, fraction: null } : {};
    entry.info = { ...entry.info, ...done, ...outcome, endedAt: Date.now() } as JobInfo;
    this.#send(entry, true);
    entry.throttle.stop();
    const finished = [...this.#entries.values()].filter((e) => e.info.status !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) this.#entries.delete(old.info.jobId);
  }

  #send(entry: Entry, now: boolean): void {
    entry.throttle.push({ ...entry.info });
    if (now) entry.throttle.flush();
  }
}
