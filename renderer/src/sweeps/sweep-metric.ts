import type { SweepMetric } from '../../../preload/contract.ts';

/** A sweep metric as the page shows it: a loss to 4 decimals, the others as a percentage. */
export function metricText(metric: SweepMetric, value: number): string {
  return metric === 'val_loss' ? value.toFixed(4) : `${(100 * value).toFixed(2)}%`;
}
