/**
 * The reference learning-rate schedule: linear warm-up from 0 to the peak over the first
 * `warmupSteps`, then linear decay to 0 at `totalSteps` (Hugging Face's linear schedule with warm-up).
 * `step` counts optimizer steps from 0; the returned rate is the one used for that step.
 */
export function linearWarmupDecay(step: number, peakLr: number, totalSteps: number, warmupSteps: number): number {
  if (step < warmupSteps) return (peakLr * step) / Math.max(1, warmupSteps);
  return peakLr * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** Warm-up steps for a warmup_ratio, as the reference computes them (floor of ratio * total). */
export function warmupStepsFor(totalSteps: number, warmupRatio: number): number {
  return Math.floor(totalSteps * warmupRatio);
}
