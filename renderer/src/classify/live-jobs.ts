// The Classify list follows its jobs from their `job.progress` events, not by reading the store
// again: a job's row takes its status and counts from its latest event, and an event of a job the
// list does not hold yet (started elsewhere) is what asks for the list again.
import type { ClassificationJobSummary, JobOf, JobStatus, RunStatus } from '../../../preload/contract.ts';

/** The store's status for a job's end as its event says it. */
const STORE_STATUS: Record<JobStatus, RunStatus> = { running: 'RUNNING', done: 'FINISHED', failed: 'FAILED', cancelled: 'KILLED' };

/** A listed job as its latest event has it (the stored row when there is no event). */
export function liveJobRow(job: ClassificationJobSummary, live: JobOf<'classify'> | undefined): ClassificationJobSummary {
  // A row the store has as ended (read after the job's end, or marked INTERRUPTED by a crash) keeps what it says.
  if (!live || job.status !== 'RUNNING') return job;
  return { ...job, status: STORE_STATUS[live.status], filesTotal: live.filesTotal, filesDone: live.filesDone, filesSkipped: live.filesSkipped };
}

/** Whether a classification event names a job the list does not hold (then the list is read again). */
export function isNewJob(list: readonly ClassificationJobSummary[] | undefined, storeId: number | null): boolean {
  return storeId !== null && list !== undefined && !list.some((j) => j.id === storeId);
}
