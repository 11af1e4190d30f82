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

/** A job whose rows live in the store as it runs (a classification job, a training run). */
export interface JobStoreBacking {
  id: number;
  /** Records the job's end in the store, once, before the last event goes out (a run records its own). */
  ended?(status: JobEnd, error: string | null): void;
}

export type JobEnd = Exclude<JobStatus, 'running'>;

/** What the owner of a job that runs elsewhere (a training run in its engine process) reports through. */
export interface JobHandle<K extends JobKind> {
  readonly jobId: string;
  /** Merges `update` into the job's progress, at the registry's rate. */
  progress(update: Partial<JobProgressByKind[K]>): void;
  /** Ends the job; its last update and its end go out at once. */
  end(status: JobEnd, error?: string | null, resultId?: number | null): void;
}

interface TrackOptions {
  store?: JobStoreBacking;
  /** What a cancel asks of the job's owner. */
  cancel?: () => void;
  /** The least time between two of its events; the registry's own when absent. */
  intervalMs?: number;
}

interface Entry {
  info: JobInfo;
  throttle: TrailingThrottle<JobInfo>;
  cancel: () => void;
  /** Whether the job's work runs in the registry (`start`), so closing the app stops it here. */
  ownWork: boolean;
  ended: Promise<void>;
}

/** Where every dataset scan and evaluation starts. */
export const SCAN_JOB_START: ScanJobProgress = { phase: 'start', filesSeen: 0, bytesSeen: 0, current: null, fraction: null };

/** What a scan's or evaluation's progress reads once it is done. */
const SCAN_DONE: Partial<ScanJobProgress> = { phase: 'done', current: null, fraction: null };

/** Per kind: whether a phase change goes out at once (a run's phases stay on the rate), and how a finished job's progress reads. */
const KIND_RULES: { [K in JobKind]: { phaseNow: boolean; done: Partial<JobProgressByKind[K]> } } = {
  'dataset.add': { phaseNow: true, done: SCAN_DONE },
  'dataset.build': { phaseNow: true, done: SCAN_DONE },
  'run.evaluate': { phaseNow: true, done: SCAN_DONE },
  classify: { phaseNow: false, done: {} },
  run: { phaseNow: false, done: {} },
  sweep: { phaseNow: false, done: {} },
  'lr.find': { phaseNow: true, done: {} },
};

/** The least time between two progress events of one job (phase and status changes always go out at once). */
export const JOB_EVENT_INTERVAL_MS = 200;

/**
 * Every long operation in flight (dataset scans and saves, evaluations, classification jobs,
 * training runs) and the last few finished ones, so a reloaded page can show what is running. Each
 * job has an id, a kind, a status and its kind's progress, one cancel, and one rate limit on its
 * events.
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
    const controller = new AbortController();
    const [handle, first] = this.#track(kind, title, initial, { ...options, cancel: () => controller.abort() }, true);
    void Promise.resolve()
      .then(() => work({ signal: controller.signal, progress: handle.progress }))
      .then(
        (resultId) => handle.end('done', null, resultId),
        (err: unknown) => {
          const wasCancelled = controller.signal.aborted || (err instanceof LanglabError && err.code === 'CANCELLED');
          handle.end(wasCancelled ? 'cancelled' : 'failed', wasCancelled ? null : err instanceof Error ? err.message : String(err));
        },
      );
    return { ...first };
  }

  /** Registers a job whose work its owner runs and reports (a training run); a cancel calls `options.cancel`. */
  track<K extends JobKind>(kind: K, title: string, initial: JobProgressByKind[K], options: TrackOptions = {}): JobHandle<K> {
    return this.#track(kind, title, initial, options, false)[0];
  }

  list(): JobInfo[] {
    return [...this.#entries.values()].map((e) => ({ ...e.info }));
  }

  /** Asks a running job to stop; it ends 'cancelled' once its work has let go. */
  cancel(jobId: string): JobInfo {
    const entry = this.#entries.get(jobId);
    if (!entry) throw new LanglabError('NOT_FOUND', `There is no job ${jobId}; it may have finished before the app restarted.`);
    if (entry.info.status === 'running') entry.cancel();
    return { ...entry.info };
  }

  /** Resolves once the job has ended and its last event has gone out (at once for a job not known here). */
  async settled(jobId: string): Promise<void> {
    await this.#entries.get(jobId)?.ended;
  }

  /** Stops every job whose work runs here (the app is closing); owners close their own jobs. */
  cancelAll(): void {
    for (const entry of this.#entries.values()) if (entry.ownWork && entry.info.status === 'running') entry.cancel();
  }

  #track<K extends JobKind>(kind: K, title: string, initial: JobProgressByKind[K], options: TrackOptions, ownWork: boolean): [JobHandle<K>, JobOf<K>] {
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
      throttle: new TrailingThrottle((info) => this.#emit(info), options.intervalMs ?? this.#intervalMs),
      cancel: options.cancel ?? (() => undefined),
      ownWork,
      ended: new Promise<void>((resolve) => (endedResolve = resolve)),
    };
    this.#entries.set(first.jobId, entry);
    const rules = KIND_RULES[kind];
    this.#send(entry, true);
    const handle: JobHandle<K> = {
      jobId: first.jobId,
      progress: (update) => {
        if (entry.info.status !== 'running') return;
        const phaseChanged = rules.phaseNow && 'phase' in update && 'phase' in entry.info && update.phase !== entry.info.phase;
        entry.info = { ...entry.info, ...update } as JobInfo;
        this.#send(entry, phaseChanged);
      },
      end: (status, error = null, resultId = null) => {
        if (entry.info.status !== 'running') return;
        try {
          store?.ended?.(status, error);
        } catch {
          // The store is closed (the app is quitting): its next start marks the row INTERRUPTED.
        }
        const done = status === 'done' ? rules.done : {};
        entry.info = { ...entry.info, ...done, status, error, ...(resultId !== null ? { resultId } : {}), endedAt: Date.now() } as JobInfo;
        this.#send(entry, true);
        entry.throttle.stop();
        endedResolve();
        const finished = [...this.#entries.values()].filter((e) => e.info.status !== 'running');
        for (const old of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) this.#entries.delete(old.info.jobId);
      },
    };
    return [handle, first];
  }

  #send(entry: Entry, now: boolean): void {
    entry.throttle.push({ ...entry.info });
    if (now) entry.throttle.flush();
  }
}
