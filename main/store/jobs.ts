import type Database from 'better-sqlite3';
import type { ClassificationJobSummary, RunStatus } from '../../preload/contract.ts';

/** Batch-classification jobs, newest first. */
export function listJobs(db: Database.Database): ClassificationJobSummary[] {
  const rows = db
    .prepare(
      `SELECT id, run_id, model_path, root, status, files_total, files_done, error, started_at, ended_at
       FROM classification_jobs ORDER BY started_at DESC, id DESC`,
    )
    .all() as {
    id: number;
    run_id: number | null;
    model_path: string;
    root: string;
    status: RunStatus;
    files_total: number;
    files_done: number;
    error: string | null;
    started_at: number;
    ended_at: number | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    modelPath: r.model_path,
    root: r.root,
    status: r.status,
    filesTotal: r.files_total,
    filesDone: r.files_done,
    error: r.error,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  }));
}
