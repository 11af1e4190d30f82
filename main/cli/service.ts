// The command line as a client of the service: a backend started in this process on the data
// folder `--home` named (no instance lock and no crash recovery: the app may be running on the
// same store), and its `dispatch` called the way IPC and HTTP call it, with the same zod
// validation, handlers and errors. A failed request is thrown as the LanglabError it carries.

import type { EventName, Events, RequestArgs, RequestName, RequestResult, TaskInfo } from '../../preload/contract.ts';
import type { Backend, BackendOptions } from '../api/backend.ts';
import { LanglabError, type ErrorCode } from '../errors.ts';

/** What the tests may replace in the backend a command starts (the engine a run trains in). */
export type CliBackendOptions = Pick<BackendOptions, 'spawnEngine' | 'engineEntry' | 'predictEntry'>;

export interface CliService {
  /** Dispatches one request; resolves with its result or throws its error. */
  call<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<RequestResult<K>>;
  /** Subscribes to one event stream; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  /** Starts a task (a dataset scan, an evaluation) and resolves with its result id once it is done. */
  runTask(start: Promise<TaskInfo>, options: { signal: AbortSignal; onProgress?: (task: TaskInfo) => void }): Promise<number>;
  /** The backend itself, for what the service has no request for (see each use). */
  readonly backend: Backend;
  close(): void;
}

/** Starts a backend on `dataDir` for one command. Loaded lazily: the trainer's imports are heavy. */
export async function openCliService(dataDir: string, options: CliBackendOptions = {}): Promise<CliService> {
  const { startBackend } = await import('../api/backend.ts');
  const backend = startBackend({ runtime: 'cli', dataDir, exclusive: false, ...options });
  const call = async <K extends RequestName>(name: K, args: RequestArgs<K>): Promise<RequestResult<K>> => {
    const answer = await backend.dispatch(name, args);
    if (!answer.ok) throw new LanglabError(answer.error.code as ErrorCode, answer.error.message);
    return answer.result as RequestResult<K>;
  };
  const on = <K extends EventName>(name: K, listener: (payload: Events[K]) => void) =>
    backend.events.subscribe((event, payload) => {
      if ((event as EventName) === name) listener(payload as unknown as Events[K]);
    });
  return {
    call,
    on,
    backend,
    async runTask(start, { signal, onProgress }) {
      let taskId: string | null = null;
      const early: TaskInfo[] = [];
      let settle: ((task: TaskInfo) => void) | null = null;
      const ended = new Promise<TaskInfo>((resolve) => (settle = resolve));
      // Subscribed before the request, so no event of the task is missed; its work starts on the next turn.
      const off = on('task.progress', (task) => {
        if (taskId === null) early.push(task);
        else if (task.taskId === taskId) seen(task);
      });
      const seen = (task: TaskInfo) => {
        onProgress?.(task);
        if (task.status !== 'running') settle?.(task);
      };
      const cancel = () => {
        if (taskId !== null) void call('tasks.cancel', { taskId }).catch(() => undefined);
      };
      try {
        const info = await start;
        taskId = info.taskId;
        for (const task of early) if (task.taskId === taskId) seen(task);
        if (signal.aborted) cancel();
        signal.addEventListener('abort', cancel, { once: true });
        const end = await ended;
        signal.removeEventListener('abort', cancel);
        if (end.status === 'done' && end.resultId !== null) return end.resultId;
        if (end.status === 'cancelled') throw new LanglabError('CANCELLED', 'Cancelled; nothing was saved.');
        throw new LanglabError('INTERNAL', end.error ?? 'The task failed.');
      } finally {
        off();
      }
    },
    close: () => backend.close(),
  };
}
