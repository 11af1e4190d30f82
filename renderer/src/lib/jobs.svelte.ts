import type { JobInfo, JobKind, JobOf } from '../../../preload/contract.ts';
import { bridge } from './bridge.ts';

/**
 * The one way a page follows a long operation (a dataset scan, an evaluation, a classification, a
 * training run): every job the service knows about, kept current from `job.progress` events. The list is loaded
 * once on start so a reloaded page still shows a job that is running.
 */
function isKind<K extends JobKind>(job: JobInfo, kinds: readonly K[]): job is JobInfo & JobOf<K> {
  return (kinds as readonly JobKind[]).includes(job.kind);
}

class JobTracker {
  #jobs = $state.raw<JobInfo[]>([]);
  readonly #followers = new Set<(info: JobInfo) => void>();

  constructor() {
    bridge.events['job.progress']((info) => this.#put(info));
    bridge.request['jobs.list']({}).then(
      (list) => {
        for (const info of list) this.#put(info);
      },
      () => {},
    );
  }

  /** The running jobs of these kinds. */
  running<K extends JobKind>(...kinds: K[]): JobOf<K>[] {
    return this.#jobs.filter((j): j is JobInfo & JobOf<K> => j.status === 'running' && isKind(j, kinds));
  }

  /** The job `jobId`, when it is one of these kinds. */
  get<K extends JobKind>(jobId: string | null | undefined, ...kinds: K[]): JobOf<K> | undefined {
    const job = this.#find(jobId);
    return job && isKind(job, kinds) ? job : undefined;
  }

  /** The latest job of this kind writing the store row `storeId` (a classification job's id). */
  ofStore<K extends JobKind>(kind: K, storeId: number): JobOf<K> | undefined {
    return this.#jobs.findLast((j): j is JobInfo & JobOf<K> => isKind(j, [kind]) && j.storeId === storeId);
  }

  /** Calls `onUpdate` with every update of the jobs of this kind writing the store row `storeId` (a run's id); returns the unsubscribe. */
  follow<K extends JobKind>(kind: K, storeId: number, onUpdate: (job: JobOf<K>) => void): () => void {
    const follower = (info: JobInfo) => {
      if (isKind(info, [kind]) && info.storeId === storeId) onUpdate(info);
    };
    this.#followers.add(follower);
    return () => this.#followers.delete(follower);
  }

  /** Records a job a request just started (its first event may have arrived already). */
  started(info: JobInfo): void {
    if (!this.#find(info.jobId)) this.#put(info);
  }

  /** Asks a job to stop; its end arrives as an event. */
  cancel(jobId: string): Promise<unknown> {
    return bridge.request['jobs.cancel']({ jobId });
  }

  #find(jobId: string | null | undefined): JobInfo | undefined {
    return jobId ? this.#jobs.find((j) => j.jobId === jobId) : undefined;
  }

  #put(info: JobInfo): void {
    const old = this.#find(info.jobId);
    // Events can overtake a request's answer; a finished job never goes back to running.
    if (old && old.status !== 'running') return;
    this.#jobs = old ? this.#jobs.map((j) => (j.jobId === info.jobId ? info : j)) : [...this.#jobs, info];
    for (const follower of this.#followers) follower(info);
  }
}

export const jobs = new JobTracker();
