/** Public surface of the runtime: sessions on a chosen provider and the training-step runner. */
export { listProviders, providerLabel, type ProviderName, type ProviderInfo } from './providers.ts';
export { createSession, type SessionConfig, type CreatedSession } from './session.ts';
export { TrainStepRunner, type Feeds, type StepResult, type RunnerState } from './train-step-runner.ts';
