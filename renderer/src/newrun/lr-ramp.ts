// The finder's ramp as the New Run form takes it: the learning rate to start from, the one to end
// at, and the number of steps, typed as text and checked before the finder can start.

/** The ramp's fields as typed. */
export interface RampText {
  min: string;
  max: string;
  steps: string;
}

export interface Ramp {
  minLr: number;
  maxLr: number;
  steps: number;
}

/** The guide's ramp: 1e-7 to 1 over 100 steps. */
export const RAMP_DEFAULTS: RampText = { min: '1e-7', max: '1', steps: '100' };
/** What the service accepts (schemas/lr-find.ts). */
export const RAMP_LIMITS = { maxLr: 100, minSteps: 5, maxSteps: 2000 } as const;

function learningRate(name: string, raw: string): number | string {
  const v = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v) || v <= 0) return `${name}: give a positive number such as 1e-7; got "${raw}".`;
  if (v > RAMP_LIMITS.maxLr) return `${name} must be at most ${RAMP_LIMITS.maxLr}; got ${raw}.`;
  return v;
}

export interface ParsedRamp {
  /** Null while any field is wrong. */
  ramp: Ramp | null;
  /** What keeps the finder from starting; each names the field and the value typed. */
  problems: string[];
  /** The fields to mark as wrong. */
  invalid: Set<keyof RampText>;
}

/** The ramp, or the problems that keep the finder from starting. */
export function parseRamp(text: RampText): ParsedRamp {
  const problems: string[] = [];
  const invalid = new Set<keyof RampText>();
  const min = learningRate('Start learning rate', text.min);
  const max = learningRate('End learning rate', text.max);
  if (typeof min === 'string') {
    problems.push(min);
    invalid.add('min');
  }
  if (typeof max === 'string') {
    problems.push(max);
    invalid.add('max');
  }
  if (typeof min === 'number' && typeof max === 'number' && min >= max) {
    problems.push(`The start learning rate (${text.min.trim()}) must be below the end (${text.max.trim()}): the finder grows the learning rate from one to the other.`);
    invalid.add('min').add('max');
  }
  const steps = text.steps.trim() === '' ? NaN : Number(text.steps);
  if (!Number.isInteger(steps) || steps < RAMP_LIMITS.minSteps || steps > RAMP_LIMITS.maxSteps) {
    problems.push(`Steps: give a whole number from ${RAMP_LIMITS.minSteps} to ${RAMP_LIMITS.maxSteps}; got "${text.steps}".`);
    invalid.add('steps');
  }
  if (problems.length > 0 || typeof min !== 'number' || typeof max !== 'number') return { ramp: null, problems, invalid };
  return { ramp: { minLr: min, maxLr: max, steps }, problems, invalid };
}
