// What crosses between the main thread and the engine process that trains one run. The engine side
// calls the trainer's `train(request, sink, signal)` and forwards every sink call as a message; the
// host turns them into store writes and bridge events. Everything here is structured-cloneable.
//
// The train types are the trainer's own (main/trainer/train.ts), so a change there is a compile
// error here.

import type { RunProgress } from '../../../preload/contract.ts';
import type { MetricWrite, TrainOutcome, TrainRequest, TrainSink } from '../train.ts';

export type { MetricWrite, TrainOutcome, TrainRequest, TrainSink } from '../train.ts';

/** The trainer's entry point, as the engine process calls it. */
export type TrainFn = (request: TrainRequest, sink: TrainSink, signal: AbortSignal) => Promise<TrainOutcome>;

/** Main thread -> engine process. */
export type ToEngine = { type: 'start'; request: TrainRequest } | { type: 'cancel' };

/** Engine process -> main thread. */
export type FromEngine =
  | { type: 'progress'; progress: Omit<RunProgress, 'runId'> }
  | { type: 'metrics'; points: MetricWrite[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'device'; provider: string; fallbackReason: string | null }
  | { type: 'done'; outcome: TrainOutcome }
  | { type: 'failed'; code: string; message: string };
