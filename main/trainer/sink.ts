// Where a training run reports to. The trainer calls a sink; the engine process forwards each call
// to the host as a message (host/protocol.ts), and tests record them.
import type { RunProgress } from '../../preload/contract-common.ts';

/** One metric point; `epoch` is fractional (optimizer steps / steps per epoch). */
export interface MetricWrite {
  key: string;
  value: number;
  step: number;
  epoch: number | null;
}

/** Where a run's progress, metrics and log lines go. */
export interface TrainSink {
  /** Called every step; the host rate-limits. */
  progress(p: Omit<RunProgress, 'runId'>): void;
  /** train_loss, train_accuracy, learning_rate, samples_per_s, grad_norm per logging interval; val_loss, val_accuracy per validation; test_accuracy, test_macro_f1 at the end. */
  metrics(points: MetricWrite[]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /**
   * Where the steps run, once the engine's sessions exist: the provider used and, when it is not the
   * one asked for, why (the CPU fallback's reason, also logged as a warning). The host stores both;
   * a sink that only reads the log (a benchmark) may leave it out.
   */
  device?(provider: string, fallbackReason: string | null): void;
}
