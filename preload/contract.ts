// The bridge contract: every request the renderer can make (arguments and result) and every event
// stream it can subscribe to (payload). Main, preload, the browser transport and the renderer all
// type themselves from this file, so a renamed field fails `npm run typecheck` everywhere at once.
// Only types and the two name lists live here; the renderer imports types only.

import { classifyRequestNames, type ClassifyRequests } from './contract-classify.ts';
import { compareRequestNames, type CompareRequests } from './contract-compare.ts';
import { coreEventNames, coreRequestNames, type CoreEvents, type CoreRequests } from './contract-core.ts';
import { lrFindRequestNames, type LrFindRequests } from './contract-lrfind.ts';
import { evaluationRequestNames, type EvaluationRequests } from './contract-evaluation.ts';
import { datasetEventNames, datasetRequestNames, type DatasetEvents, type DatasetRequests } from './contract-datasets.ts';
import { sweepRequestNames, type SweepRequests } from './contract-sweeps.ts';
import { trainingEventNames, trainingRequestNames, type TrainingEvents, type TrainingRequests } from './contract-training.ts';

export type * from './contract-common.ts';
export type * from './contract-core.ts';
export type * from './contract-classify.ts';
export type * from './contract-compare.ts';
export type * from './contract-datasets.ts';
export type * from './contract-evaluation.ts';
export type * from './contract-training.ts';
export type * from './contract-sweeps.ts';
export type * from './contract-lrfind.ts';
export type * from './hyperparameters.ts';

export interface Requests extends CoreRequests, DatasetRequests, TrainingRequests, ClassifyRequests, EvaluationRequests, CompareRequests, SweepRequests, LrFindRequests {}

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
const requestNameSet: { [K in RequestName]: true } = { ...coreRequestNames, ...datasetRequestNames, ...trainingRequestNames, ...classifyRequestNames, ...evaluationRequestNames, ...compareRequestNames, ...sweepRequestNames, ...lrFindRequestNames };
const eventNameSet: { [K in EventName]: true } = { ...coreEventNames, ...datasetEventNames, ...trainingEventNames };

export const REQUEST_NAMES = Object.keys(requestNameSet) as RequestName[];
export const EVENT_NAMES = Object.keys(eventNameSet) as EventName[];

/** The one IPC channel that carries events from main to the preload. */
export const EVENT_CHANNEL = 'langlab:event';
/** IPC channels for requests are this prefix plus the request name. */
export const REQUEST_CHANNEL_PREFIX = 'langlab:';
