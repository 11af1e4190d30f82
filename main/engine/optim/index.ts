/** Public surface of the optimizer: the in-graph AdamW step, its TS twin, schedule and dropout masks. */
export { buildTrainStep, DEFAULT_OUTSIDE_THRESHOLD, type TrainStep, type TrainStepOptions, type ParamSlot } from './train-step.ts';
export { adamwUpdateInPlace, DEFAULT_ADAMW, type AdamWConfig } from './adamw.ts';
export { linearWarmupDecay, warmupStepsFor } from './schedule.ts';
export { MaskGenerator, type MaskState } from './dropout-mask.ts';
