// The precisions the Classify form offers. "auto" sends no precision: the backend picks int8 where
// the CPU has VNNI (where int8's accuracy was measured) and every run of the job can have an int8
// export, else float32, and the job records what it ran in.
import type { ClassifyPrecision } from './contract-classify.ts';

/** A choice of the Classify form: a precision, or `auto` for the backend's default. */
export type ClassifyPrecisionChoice = ClassifyPrecision | 'auto';

/** The form's default choice. */
export const DEFAULT_CLASSIFY_PRECISION: ClassifyPrecisionChoice = 'auto';

/** Each choice as the form offers it. */
export const CLASSIFY_PRECISIONS: readonly { value: ClassifyPrecisionChoice; name: string; note: string }[] = [
  { value: 'auto', name: 'automatic', note: 'int8 where measured, else float32' },
  { value: 'float32', name: 'float32', note: 'as trained' },
  { value: 'int8', name: 'int8', note: 'faster, within 0.1 point' },
];
