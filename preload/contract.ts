// The bridge contract: every request the renderer can make (arguments and result) and every event
// stream it can subscribe to (payload). Main, preload, the browser transport and the renderer all
// type themselves from this file, so a renamed field fails `npm run typecheck` everywhere at once.
// Only types and the two name lists live here; the renderer imports types only.

import { classifyRequestNames, type ClassifyRequests } from './contract-classify.ts';
import { evaluationRequestNames, type EvaluationRequests } from './contract-evaluation.ts';
import { datasetEventNames, datasetRequestNames, type DatasetEvents, type DatasetRequests } from './contract-datasets.ts';
import { trainingEventNames, trainingRequestNames, type TrainingEvents, type TrainingRequests } from './contract-training.ts';

export type * from './contract-classify.ts';
export type * from './contract-datasets.ts';
export type * from './contract-evaluation.ts';
export type * from './contract-training.ts';
export type * from './hyperparameters.ts';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'INTERRUPTED';
export type ModelKind = 'pretrained' | 'scratch';
export type DatasetSourceKind = 'folder' | 'csv' | 'jsonl' | 'repositories';

/** No arguments: requests always take an object so that every transport validates the same way. */
export type NoArgs = Record<string, never>;

export interface ProviderInfo {
  /** onnxruntime's name: cpu, cuda, dml, coreml, webgpu. */
  name: string;
  label: string;
  available: boolean;
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
  providers: ProviderInfo[];
}

export interface ClassCount {
  label: string;
  files: number;
  bytes: number;
}

export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

export interface DatasetSummary {
  id: number;
  name: string;
  sourceKind: DatasetSourceKind;
  /** Where it came from, for display: the folder, file or repositories. */
  source: string;
  fingerprint: string;
  classes: ClassCount[];
  splits: SplitCounts;
  /**
   * How validation and test were drawn: whole projects held out ('project'), file by file
   * ('file': the input named no projects, or too few), 'mixed' (some classes had too few
   * projects), or given by the table's split column ('column').
   */
  splitKind: DatasetSplitKind;
  createdAt: number;
}

export type DatasetSplitKind = 'project' | 'file' | 'mixed' | 'column';

export interface RunsQuery {
  /** Matches run name, dataset name, model, note and tags. */
  text?: string;
  tag?: string;
  status?: RunStatus;
  limit?: number;
  offset?: number;
}

export interface RunSummary {
  id: number;
  name: string;
  status: RunStatus;
  datasetId: number | null;
  datasetName: string | null;
  modelKind: ModelKind;
  modelSource: string;
  provider: string;
  startTime: number;
  endTime: number | null;
  error: string | null;
  note: string;
  tags: string[];
  /** A few key hyperparameters for the list (learning_rate, batch_size, epochs, max_length). */
  keyParams: Record<string, string | number | boolean | null>;
  /** Latest value of every metric key (NaN and infinity arrive as null). */
  latest: Record<string, number | null>;
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

export interface ClassReportRow {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationInfo {
  id: number;
  split: string;
  labels: string[];
  rows: ClassReportRow[];
  macro: Omit<ClassReportRow, 'label'>;
  weighted: Omit<ClassReportRow, 'label'>;
  accuracy: number;
  /** confusion[i][j]: files of true label labels[i] predicted as labels[j]. */
  confusion: number[][];
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

/** Requests of the foundation: app info, listing, run notes and tags, metric series. */
export interface CoreRequests {
  'app.info': { args: NoArgs; result: AppInfo };
  'datasets.list': { args: NoArgs; result: DatasetSummary[] };
  'runs.list': { args: RunsQuery; result: RunsPage };
  'runs.get': { args: { id: number }; result: RunDetail };
  'runs.setNote': { args: { id: number; note: string }; result: RunSummary };
  'runs.setTags': { args: { id: number; tags: string[] }; result: RunSummary };
  'runs.tags': { args: NoArgs; result: string[] };
  'runs.metrics': { args: { runIds: number[]; keys?: string[] }; result: MetricSeries[] };
}

export interface Requests extends CoreRequests, DatasetRequests, TrainingRequests, ClassifyRequests, EvaluationRequests {}

export interface CoreEvents {
  /** Something in the store changed; views showing that kind of thing reload. */
  'store.changed': { what: 'runs' | 'datasets' | 'jobs'; id?: number };
  /** A line for the log pane. */
  'app.log': { level: 'info' | 'warn' | 'error'; message: string; time: number };
}

export interface Events extends CoreEvents, DatasetEvents, TrainingEvents {}

export type RequestName = keyof Requests;
export type EventName = keyof Events;
export type RequestArgs<K extends RequestName> = Requests[K]['args'];
export type RequestResult<K extends RequestName> = Requests[K]['result'];

/** What crosses either transport for one request: a result or a person-readable error. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

/** The object the renderer talks to, whichever transport is underneath. */
export interface Bridge {
  readonly transport: 'electron' | 'browser';
  readonly request: { [K in RequestName]: (args: RequestArgs<K>) => Promise<RequestResult<K>> };
  /** Each subscription returns its unsubscribe function. */
  readonly events: { [K in EventName]: (listener: (payload: Events[K]) => void) => () => void };
  /**
   * Where a File dropped on the window lives on disk (a dropped folder classifies it); null in
   * browser mode, where the page is never told paths.
   */
  readonly pathOfDropped: (file: unknown) => string | null;
}

/**
 * What the Electron preload exposes (as window.langlabIpc): each request resolves to its envelope
 * instead of rejecting, because Electron's contextBridge keeps only the message of a rejected Error
 * and the renderer needs the error code too. The renderer unwraps it into a Bridge.
 */
export interface IpcBridge {
  readonly transport: 'electron';
  readonly request: { [K in RequestName]: (args: RequestArgs<K>) => Promise<Envelope<RequestResult<K>>> };
  readonly events: Bridge['events'];
  /** webUtils.getPathForFile: '' for a File not backed by a file on disk. */
  readonly pathOfDropped: (file: unknown) => string;
}

// Runtime name lists, typed so that a request or event missing here is a compile error.
const coreRequestNames: { [K in keyof CoreRequests]: true } = {
  'app.info': true,
  'datasets.list': true,
  'runs.list': true,
  'runs.get': true,
  'runs.setNote': true,
  'runs.setTags': true,
  'runs.tags': true,
  'runs.metrics': true,
};
const coreEventNames: { [K in keyof CoreEvents]: true } = { 'store.changed': true, 'app.log': true };
const requestNameSet: { [K in RequestName]: true } = { ...coreRequestNames, ...datasetRequestNames, ...trainingRequestNames, ...classifyRequestNames, ...evaluationRequestNames };
const eventNameSet: { [K in EventName]: true } = { ...coreEventNames, ...datasetEventNames, ...trainingEventNames };

export const REQUEST_NAMES = Object.keys(requestNameSet) as RequestName[];
export const EVENT_NAMES = Object.keys(eventNameSet) as EventName[];

/** The one IPC channel that carries events from main to the preload. */
export const EVENT_CHANNEL = 'langlab:event';
/** IPC channels for requests are this prefix plus the request name. */
export const REQUEST_CHANNEL_PREFIX = 'langlab:';
