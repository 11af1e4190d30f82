// The default confidence threshold of a classification job, below which a file counts as unknown.
//
// The rule: the largest threshold that loses at most 1% of the run's correct predictions, i.e. the
// confidence under which 1% of its correctly classified held-out files lie, rounded down to 0.001.
// A precision target (say 99% of accepted files right) is undefined for a model that never reaches
// it and 0 for one that always does; this rule always gives a threshold, and it rises exactly as far
// as the model's own right answers allow, so what falls below it is mostly what the model gets wrong.
//
// The held-out files are the run's TEST split: the trainer stores per-file predictions for the test
// split only (run_predictions), not for validation, so the test predictions stand in for them.
import { correctConfidenceQuantile } from '../store/run-predictions.ts';
import type { StoreDb } from '../store/store.ts';

/** The share of correct held-out predictions the default threshold may put below itself. */
export const DEFAULT_THRESHOLD_LOSS = 0.01;

/** The default threshold for a job with this run's model; 0 (nothing unknown) when the run stored no predictions. */
export function defaultThreshold(db: StoreDb, runId: number | null): number {
  if (runId === null) return 0;
  const q = correctConfidenceQuantile(db, runId, DEFAULT_THRESHOLD_LOSS);
  return q === null ? 0 : Math.floor(q * 1000) / 1000;
}

/** Whether a file with this top probability counts as unknown at `threshold` (the store's `confidence < threshold`). */
export function isUnknown(confidence: number, threshold: number): boolean {
  return confidence < threshold;
}
