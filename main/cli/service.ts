// The command line as a client of the service: a backend started in this process on the data
// folder `--home` named (no instance lock: the app may be running on the same store; crash
// recovery touches only work whose owner process is gone), and its `dispatch` called the way IPC and HTTP call it, with the same zod
// validation, handlers and errors. A failed request is thrown as the LanglabError it carries.

import type { EventName, Events, RequestArgs, RequestName, RequestResult, JobInfo } from '../../preload/contract.ts';
import type { Backend, BackendOptions } from '../api/backend.ts';
import { LanglabError, type ErrorCode } from '../errors.ts';

/** What the tests may replace in the backend a command starts (the engine a run trains in). */
export type CliBackendOptions = Pick<BackendOptions, 'spawnEngine' | 'engineEntry' | 'threads'>;

export interface CliService {
  /** Dispatches one request; resolves with its result or throws its error. */
  call<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<RequestResult<K>>;
  /** Subscribes to one event stream; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  /** Starts a job (a dataset scan, an evaluation) and resolves with its result id once it is done. */
  runJob<J extends JobInfo>(start: Promise<J>, options: { signal: AbortSignal; onProgress?: (job: J) => void }): Promise<number>;
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
    async runJob<J extends JobInfo>(start: Promise<J>, { signal, onProgress }: { signal: AbortSignal; onProgress?: (job: J) => void }) {
      let jobId: string | null = null;
      const early: JobInfo[] = [];
      let settle: ((job: J) => void) | null = null;
      const ended = new Promise<J>((resolve) => (settle = resolve));
      // Subscribed before the request, so no event of the job is missed; its work starts on the next turn.
      const off = on('job.progress', (job) => {
        if (jobId === null) early.push(job);
        else if (job.jobId === jobId) seen(job as J);
      });
      const seen = (job: J) => {
        onProgress?.(job);
        if (job.status !== 'running') settle?.(job);
      };
      const cancel = () => {
        if (jobId !== null) void call('jobs.cancel', { jobId }).catch(() => undefined);
      };
      try {
        const info = await start;
        jobId = info.jobId;
        for (const job of early) if (job.jobId === jobId) seen(job as J);
        if (signal.aborted) cancel();
        signal.addEventListener('abort', cancel, { once: true });
        const end = await ended;
        signal.removeEventListener('abort', cancel);
        if (end.status === 'done' && end.resultId !== null) return end.resultId;
        if (end.status === 'cancelled') throw new LanglabError('CANCELLED', 'Cancelled; nothing was saved.');
        throw new LanglabError('INTERNAL', end.error ?? 'The job failed.');
      } finally {
        off();
      }
    },
    close: () => backend.close(),
  };
}
