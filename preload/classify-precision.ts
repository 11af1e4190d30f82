// The precision a classification job's model runs in when the job's form is left as it is. The one
// place to change it: the Classify form, `classify.start` and the job store all read it from here.
import type { ClassifyPrecision } from './contract-classify.ts';

/** The default precision of a new classification job (the app's form and `classify.start` without one). */
export const DEFAULT_CLASSIFY_PRECISION: ClassifyPrecision = 'float32';

/** Each precision as the form offers it. */
export const CLASSIFY_PRECISIONS: readonly { value: ClassifyPrecision; name: string; note: string }[] = [
  { value: 'float32', name: 'float32', note: 'as trained' },
  { value: 'int8', name: 'int8', note: 'faster, within 0.1 point' },
];
