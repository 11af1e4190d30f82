import { randomUUID } from 'node:crypto';
import type { TaskInfo, TaskPhase } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';

/** What a task's work gets: the signal to stop on, and a way to say how far it is. */
export interface TaskControl {
  readonly signal: AbortSignal;
  progress(update: { phase?: TaskPhase; filesSeen?: number; bytesSeen?: number; current?: string | null; fraction?: number | null }): void;
}

interface Entry {
  info: TaskInfo;
  controller: AbortController;
  lastEmit: number;
}

/** The least time between two progress events of one task (phase and status changes always go out). */
export const TASK_EVENT_INTERVAL_MS = 200;

/**
 * The long operations in flight (dataset scans) and the last few finished ones, so a reloaded
 * page can show what is running; every change goes out as a `task.progress` event, at most one
 * per `intervalMs` between phase and status changes.
 */
export class TaskRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #emit: (info: TaskInfo) => void;
  readonly #intervalMs: number;
  readonly #keepFinished: number;

  constructor(emit: (info: TaskInfo) => void, options: { intervalMs?: number; keepFinished?: number } = {}) {
    this.#emit = emit;
    this.#intervalMs = options.intervalMs ?? TASK_EVENT_INTERVAL_MS;
    this.#keepFinished = options.keepFinished ?? 20;
  }

  /** Starts `work` and returns at once; `work` resolves with the id of what it made. */
  start(kind: TaskInfo['kind'], title: string, work: (control: TaskControl) => Promise<number>): TaskInfo {
    const info: TaskInfo = {
      taskId: randomUUID(),
      kind,
      title,
      status: 'running',
      phase: 'start',
      filesSeen: 0,
      bytesSeen: 0,
      current: null,
      fraction: null,
      startedAt: Date.now(),
      endedAt: null,
      error: null,
      resultId: null,
    };
    const entry: Entry = { info, controller: new AbortController(), lastEmit: 0 };
    this.#entries.set(info.taskId, entry);
    const control: TaskControl = {
      signal: entry.controller.signal,
      progress: (update) => {
        if (entry.info.status !== 'running') return;
        const phaseChanged = update.phase !== undefined && update.phase !== entry.info.phase;
        entry.info = { ...entry.info, ...update };
        this.#send(entry, phaseChanged);
      },
    };
    this.#send(entry, true);
    // The work starts on the next turn, so the caller has the task before its first event.
    void Promise.resolve()
      .then(() => work(control))
      .then(
        (resultId) => this.#end(entry, { status: 'done', phase: 'done', resultId, current: null, fraction: null }),
        (err: unknown) => {
          const wasCancelled = entry.controller.signal.aborted || (err instanceof LanglabError && err.code === 'CANCELLED');
          const message = err instanceof Error ? err.message : String(err);
          this.#end(entry, wasCancelled ? { status: 'cancelled', error: null } : { status: 'failed', error: message });
        },
      );
    return { ...info };
  }

  list(): TaskInfo[] {
    return [...this.#entries.values()].map((e) => ({ ...e.info }));
  }

  /** Asks a running task to stop; it ends as 'cancelled' once its work has let go. */
  cancel(taskId: string): TaskInfo {
    const entry = this.#entries.get(taskId);
    if (!entry) throw new LanglabError('NOT_FOUND', `There is no task ${taskId}; it may have finished before the app restarted.`);
    entry.controller.abort();
    return { ...entry.info };
  }

  /** Stops everything still running (the app is closing). */
  cancelAll(): void {
    for (const entry of this.#entries.values()) if (entry.info.status === 'running') entry.controller.abort();
  }

  #end(entry: Entry, update: Partial<TaskInfo>): void {
    entry.info = { ...entry.info, ...update, endedAt: Date.now() };
    this.#send(entry, true);
    const finished = [...this.#entries.values()].filter((e) => e.info.status !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) this.#entries.delete(old.info.taskId);
  }

  #send(entry: Entry, force: boolean): void {
    const now = Date.now();
    if (!force && now - entry.lastEmit < this.#intervalMs) return;
    entry.lastEmit = now;
    this.#emit({ ...entry.info });
  }
}
