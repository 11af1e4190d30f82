import type { TestSummary } from '../../../preload/contract.ts';

/** Why a finished run's model is not worth using, and what usually helps; null for a model that learned something. */
export interface ModelWarning {
  /** A few words for the runs list. */
  short: string;
  /** The whole sentence for the run page. */
  message: string;
}

const ADVICE = 'What usually helps: more epochs, a higher learning rate, or more training data per class.';

/**
 * A test result at or near chance level (under 1.5 × 1 / classes), or predictions collapsed onto
 * one class (80 % or more of them), looks like any other finished run unless it is flagged.
 */
export function modelWarning(test: TestSummary | null): ModelWarning | null {
  if (!test || test.classes < 2) return null;
  const chance = 1 / test.classes;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (test.topPredicted.share >= 0.8) {
    return {
      short: `predicts ${test.topPredicted.label} for ${pct(test.topPredicted.share)}`,
      message: `This model predicts ${test.topPredicted.label} for ${pct(test.topPredicted.share)} of the test files: its predictions have collapsed onto one class (test accuracy ${pct(test.accuracy)}). ${ADVICE}`,
    };
  }
  if (test.accuracy < 1.5 * chance) {
    return {
      short: 'near chance level',
      message: `Test accuracy ${pct(test.accuracy)} is at or near chance level (${pct(chance)} for ${test.classes} classes): the model has not learned to tell the languages apart. ${ADVICE}`,
    };
  }
  return null;
}
