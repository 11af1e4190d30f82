// The foundation's part of the bridge contract: app info, the run list with notes, tags and metric
// series, the long operations (jobs: dataset scans, evaluations, classifications) with their progress and cancel,
// the native path picker, and the app-wide events. Merged into `Requests`/`Events` by contract.ts.
// Types only (plus the compile-checked name lists).

import type { EvaluationInfo, NoArgs, RunStatus, RunSummary, JobInfo } from './contract-common.ts';

export interface ProviderInfo {
  /** onnxruntime's name: cpu, cuda, dml, coreml, webgpu. */
  name: string;
  label: string;
  /**
   * ready: a session started on it here. unusable: onnxruntime-node has it but it did not start
   * (no GPU adapter, no driver). not-installed: its libraries are missing or not built for this
   * platform. unchecked: the check itself failed (the detail says why).
   */
  status: 'ready' | 'unusable' | 'not-installed' | 'unchecked';
  /** A run can ask for it and get it (status ready). */
  available: boolean;
  /** The device behind it: the CPU's model, the GPU's name; null when none is known. */
  device: string | null;
  /** Why it is or is not usable here, in one line. */
  detail: string;
}

export interface AppInfo {
  version: string;
  /** Which client started this backend: the desktop app, browser mode, or the command line (in process). */
  runtime: 'electron' | 'browser' | 'cli';
  platform: string;
  arch: string;
  nodeVersion: string;
  electronVersion: string | null;
  dataDir: string;
  storePath: string;
  schemaVersion: number;
  onnxruntimeVersion: string;
}

export interface RunsQuery {
  /** Matches run name, dataset name, model, note and tags. */
  text?: string;
  tag?: string;
  status?: RunStatus;
  limit?: number;
  offset?: number;
}

export interface RunsPage {
  runs: RunSummary[];
  total: number;
}

export interface ArtifactInfo {
  id: number;
  kind: string;
  path: string;
  bytes: number;
  createdAt: number;
}

export interface RunDetail extends RunSummary {
  params: Record<string, unknown>;
  artifacts: ArtifactInfo[];
  evaluations: EvaluationInfo[];
}

export interface MetricPoint {
  step: number;
  epoch: number | null;
  timestamp: number;
  value: number | null;
}

export interface MetricSeries {
  runId: number;
  key: string;
  points: MetricPoint[];
}

/** Requests of the foundation: app info, the run list, run notes and tags, metric series, jobs, the path picker. */
export interface CoreRequests {
  'app.info': { args: NoArgs; result: AppInfo };
  /**
   * The execution providers and the devices behind them. The first call starts a session on each
   * off the main thread (a second or so); later calls answer from that check.
   */
  'app.providers': { args: NoArgs; result: ProviderInfo[] };
  'runs.list': { args: RunsQuery; result: RunsPage };
  /** Every run matching the filters as CSV (parameters, final metrics, duration), newest first. */
  'runs.exportCsv': { args: Omit<RunsQuery, 'limit' | 'offset'>; result: { csv: string; runs: number } };
  'runs.get': { args: { id: number }; result: RunDetail };
  'runs.setNote': { args: { id: number; note: string }; result: RunSummary };
  'runs.setTags': { args: { id: number; tags: string[] }; result: RunSummary };
  'runs.tags': { args: NoArgs; result: string[] };
  'runs.metrics': { args: { runIds: number[]; keys?: string[] }; result: MetricSeries[] };
  /** Every parameter of many runs at once (the parallel-coordinates view); a run without parameters is left out. */
  'runs.params': { args: { runIds: number[] }; result: { runId: number; params: Record<string, string | number | boolean | null> }[] };
  /** Running jobs and the last finished ones, so a reloaded page picks up where it was. */
  'jobs.list': { args: NoArgs; result: JobInfo[] };
  /** Asks a running job to stop; it ends 'cancelled' (a job event says when). */
  'jobs.cancel': { args: { jobId: string }; result: JobInfo };
  /** Opens the native picker (desktop app only; browser mode answers NOT_AVAILABLE and the page shows a path field). */
  'system.pickPath': { args: { kind: 'folder' | 'folders' | 'file'; title?: string }; result: { paths: string[] } };
}

export interface CoreEvents {
  /** Something in the store changed; views showing that kind of thing reload. */
  'store.changed': { what: 'runs' | 'datasets' | 'jobs' | 'sweeps'; id?: number };
  /** A line for the log pane. */
  'app.log': { level: 'info' | 'warn' | 'error'; message: string; time: number };
  /** A job's progress and its end, at most a few a second per job; its last update always goes out. */
  'job.progress': JobInfo;
}

export const coreRequestNames: { [K in keyof CoreRequests]: true } = {
  'app.info': true,
  'app.providers': true,
  'runs.list': true,
  'runs.exportCsv': true,
  'runs.get': true,
  'runs.setNote': true,
  'runs.setTags': true,
  'runs.tags': true,
  'runs.metrics': true,
  'runs.params': true,
  'jobs.list': true,
  'jobs.cancel': true,
  'system.pickPath': true,
};
export const coreEventNames: { [K in keyof CoreEvents]: true } = { 'store.changed': true, 'app.log': true, 'job.progress': true };
