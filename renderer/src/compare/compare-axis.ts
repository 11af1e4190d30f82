import type { MetricSeries } from '../../../preload/contract.ts';

/** What Compare's x-axis counts: a 180-step run beside a 2,466-step one lines up by epoch or time. */
export type CompareAxis = 'step' | 'epoch' | 'time';

export const AXIS_LABELS: Record<CompareAxis, string> = { step: 'Step', epoch: 'Epoch', time: 'Time since start' };

const METRIC_NAMES: Record<string, string> = {
  train_loss: 'Training loss',
  train_accuracy: 'Training accuracy',
  val_loss: 'Validation loss',
  val_accuracy: 'Validation accuracy',
  learning_rate: 'Learning rate',
  samples_per_s: 'Throughput (samples/s)',
  grad_norm: 'Gradient norm',
};

/** A metric key as a menu names it: `val_loss` -> "Validation loss", an unknown key in words. */
export function metricName(key: string): string {
  const known = METRIC_NAMES[key];
  if (known) return known;
  const words = key.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The keys worth a curve: those with at least two points in some run (one-point summaries such as test_accuracy are not). */
export function curveKeys(series: readonly MetricSeries[]): string[] {
  return [...new Set(series.filter((s) => s.points.length > 1).map((s) => s.key))].sort((a, b) => metricName(a).localeCompare(metricName(b)));
}

/**
 * The x of every point of `s` on the chosen axis. Epoch: the point's own (fractional) epoch, else
 * interpolated from the run's other points that have one. Time: seconds since the run's first point.
 */
export function xOf(axis: CompareAxis, s: MetricSeries, runSeries: readonly MetricSeries[]): (number | null)[] {
  if (axis === 'step') return s.points.map((p) => p.step);
  if (axis === 'time') {
    const start = Math.min(...runSeries.flatMap((r) => r.points.map((p) => p.timestamp)));
    return s.points.map((p) => (p.timestamp - start) / 1000);
  }
  const known = runSeries
    .flatMap((r) => r.points.filter((p) => p.epoch !== null).map((p) => ({ step: p.step, epoch: p.epoch as number })))
    .sort((a, b) => a.step - b.step);
  return s.points.map((p) => p.epoch ?? epochAt(p.step, known));
}

function epochAt(step: number, known: readonly { step: number; epoch: number }[]): number | null {
  if (known.length === 0) return null;
  const after = known.findIndex((k) => k.step >= step);
  if (after === 0) return known[0].step === 0 ? known[0].epoch : (known[0].epoch * step) / known[0].step;
  const a = known[after === -1 ? known.length - 2 : after - 1] ?? known[0];
  const b = known[after === -1 ? known.length - 1 : after];
  return b.step === a.step ? b.epoch : a.epoch + ((b.epoch - a.epoch) * (step - a.step)) / (b.step - a.step);
}
