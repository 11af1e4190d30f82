// What a dataset scan is asked to do and what it answers, as plain data: it crosses a worker
// thread's message port, so it holds no functions and no AbortSignal.
import { datasetFromFolder } from '../from-folder.ts';
import { datasetFromRepositories } from '../from-repositories.ts';
import { datasetFromTable } from '../from-table.ts';
import type { CommonOptions, DatasetResult, ScanProgress } from '../types.ts';

type Common = Pick<CommonOptions, 'name' | 'seed' | 'testFraction' | 'validationFraction' | 'progressIntervalMs'> & { maxBytes?: number };

/** One scan: a class-per-folder tree, a CSV/JSONL table, or a Linguist-labelled repository build. */
export type ScanJob =
  | ({ kind: 'folder'; path: string } & Common)
  | ({ kind: 'csv' | 'jsonl'; path: string } & Common)
  | ({
      kind: 'repositories';
      roots: string[];
      top?: number;
      minFiles?: number;
      cap?: number;
      overrides?: Record<string, string | null>;
      languages?: string[];
    } & Common);

/** Messages into the worker. */
export type ToScanWorker = { type: 'start'; job: ScanJob } | { type: 'cancel' };

/** Messages out of the worker: progress, then exactly one result or error. */
export type FromScanWorker =
  | { type: 'progress'; progress: ScanProgress }
  | { type: 'result'; result: DatasetResult }
  | { type: 'error'; code: string; message: string };

/** Runs one scan on the calling thread; the worker calls this, and so can a test. */
export async function runScanJob(job: ScanJob, signal: AbortSignal, onProgress: (p: ScanProgress) => void): Promise<DatasetResult> {
  const { kind, ...rest } = job;
  const options = { ...rest, signal, onProgress };
  switch (job.kind) {
    case 'folder':
      return datasetFromFolder(job.path, options);
    case 'csv':
    case 'jsonl':
      return datasetFromTable(job.path, { ...options, format: job.kind });
    case 'repositories':
      return datasetFromRepositories(job.roots, options);
    default:
      throw new Error(`Unknown scan kind ${String(kind)}`);
  }
}
