// The training loop of a run, as the reference script ran it: epochs of shuffled, length-bucketed
// batches; linear warm-up then decay; validation at each epoch end (and every K steps); early
// stopping on validation loss; last and best checkpoints; at the end the test report with the best
// weights and their export. It runs wherever it is called (a worker thread or utility process: the
// host's job), reads the store read-only and reports through a sink.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RankedLabel } from '../../preload/contract-common.ts';
import type { RunProgress } from '../../preload/contract-common.ts';
import type { ModelSpec } from '../../preload/contract-training.ts';
import type { Hyperparameters } from '../../preload/hyperparameters.ts';
import { exportClassifier } from '../engine/export/export-classifier.ts';
import { MaskGenerator } from '../engine/optim/dropout-mask.ts';
import { linearWarmupDecay, warmupStepsFor } from '../engine/optim/schedule.ts';
import type { ProviderName } from '../engine/runtime/providers.ts';
import type { Feeds } from '../engine/runtime/train-step-runner.ts';
import { TrainStepRunner } from '../engine/runtime/train-step-runner.ts';
import { LanglabError } from '../errors.ts';
import type { NewEvaluation } from '../store/evaluations.ts';
import { epochBatches, labelTensor, padBatch, randomWindow } from './batches.ts';
import { type CheckpointState, checkpointDir, hasCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { type Example, loadRunData } from './data.ts';
import { Evaluator } from './evaluator.ts';
import { classificationReport } from './metrics.ts';
import { prepareModel } from './model.ts';

export { predictTexts } from './predict.ts';

/** One run to train; the caller has validated the hyperparameters and created the run row. */
export interface TrainRequest {
  runId: number;
  /** The store file, opened read-only here (the host process writes it). */
  storeFile: string;
  datasetId: number;
  model: ModelSpec;
  /** Complete and already validated. */
  hyperparameters: Hyperparameters;
  /** onnxruntime provider name; an unknown or unavailable one falls back to cpu with a warning. */
  provider: string;
  /** checkpoints/ and model/ (the exported classifier) are written here. */
  runDir: string;
  /** Continue from runDir's last checkpoint (a fresh start, with a log line, when there is none). */
  resume: boolean;
  /** Intra-op threads; default os.availableParallelism(). */
  threads?: number;
  /** Optimizer steps per train_* metrics point (default 10; every epoch end logs the rest). */
  logEverySteps?: number;
  /** better-sqlite3 addon for the running runtime (Electron's build), when not the default one. */
  nativeBinding?: string;
}

/** One metric point; `epoch` is fractional (optimizer steps / steps per epoch). */
export interface MetricWrite {
  key: string;
  value: number;
  step: number;
  epoch: number | null;
}

/** Where a run's progress, metrics and log lines go. */
export interface TrainSink {
  /** Called every step; the host rate-limits. */
  progress(p: Omit<RunProgress, 'runId'>): void;
  /** train_loss, train_accuracy, learning_rate, samples_per_s, grad_norm per logging interval; val_loss, val_accuracy per validation; test_accuracy, test_macro_f1 at the end. */
  metrics(points: MetricWrite[]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** The test report: the store's saveEvaluation input. */
export interface EvaluationResult extends NewEvaluation {
  split: 'test';
}

/** One test file's prediction (the store's prediction rows). */
export interface PredictionWrite {
  fileIndex: number;
  path: string;
  trueLabel: string;
  predictedLabel: string;
  top: RankedLabel[];
}

/** How a call of train() ended. */
export interface TrainOutcome {
  /** KILLED when `signal` aborted; the last checkpoint is intact. */
  status: 'FINISHED' | 'KILLED';
  epochsCompleted: number;
  steps: number;
  bestValLoss: number | null;
  bestValAccuracy: number | null;
  /** Test split, with the best checkpoint; null when KILLED. */
  evaluation: EvaluationResult | null;
  /** One per test file (empty when KILLED). */
  predictions: PredictionWrite[];
  /** runDir/model: the exported best checkpoint (null when KILLED). */
  exportDir: string | null;
  /** Seconds of this call. */
  wallSeconds: number;
  /** Run seconds (over resumes) until the best checkpoint was written. */
  secondsToBest: number | null;
  /** The provider the steps ran on. */
  provider: string;
  labels: string[];
}

/** Top probabilities stored per test file. */
export const PREDICTION_TOP_K = 5;

const PROVIDERS: readonly ProviderName[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/**
 * Trains (or resumes) one run. A NaN or infinite loss throws TRAINING_FAILED naming the step; bad
 * data (an empty split, one class) throws INVALID_ARGUMENT naming it.
 */
export async function train(req: TrainRequest, sink: TrainSink, signal: AbortSignal): Promise<TrainOutcome> {
  const t0 = performance.now();
  const hp = req.hyperparameters;
  const threads = req.threads ?? os.availableParallelism();
  let provider: ProviderName = 'cpu';
  if ((PROVIDERS as readonly string[]).includes(req.provider)) provider = req.provider as ProviderName;
  else sink.log('warn', `Execution provider "${req.provider}" is unknown; using CPU.`);

  const idle = { epoch: 0, epochs: hp.epochs, step: 0, totalSteps: 0, trainLoss: null, trainAccuracy: null, valLoss: null, valAccuracy: null,
    learningRate: null, samplesPerSecond: null, etaSeconds: null };
  sink.progress({ ...idle, phase: 'preparing', elapsedSeconds: 0 });
  const prepared = prepareModel(req.model, hp);
  const data = await loadRunData({
    storeFile: req.storeFile, datasetId: req.datasetId, tokenize: prepared.tokenizer.tokenize, source: prepared.tokenizer.source, validationSplit: hp.validation_split,
    seed: hp.seed, signal, nativeBinding: req.nativeBinding,
    onProgress: (done, total) => sink.progress({ ...idle, phase: 'preparing', elapsedSeconds: (performance.now() - t0) / 1000, etaSeconds: null, step: done, totalSteps: total }),
  });
  const labels = data.labels;
  const killedEarly = (): TrainOutcome => ({
    status: 'KILLED', epochsCompleted: 0, steps: 0, bestValLoss: null, bestValAccuracy: null, evaluation: null, predictions: [], exportDir: null,
    wallSeconds: (performance.now() - t0) / 1000, secondsToBest: null, provider, labels,
  });
  if (signal.aborted) return killedEarly();
  sink.log('info', `Dataset ${req.datasetId}: ${labels.length} classes, ${data.train.length} train, ${data.validation.length} validation` +
    `${data.heldOut ? ` (held out of train, validation_split ${hp.validation_split})` : ''}, ${data.test.length} test files.`);

  const model = prepared.build(labels);
  const runner = await TrainStepRunner.create(model.trainStep, { provider, intraOpNumThreads: threads });
  if (runner.fallbackReason) sink.log('warn', runner.fallbackReason);
  const evaluator = await Evaluator.create(model, prepared.tokenizer.padId, runner.provider, threads);
  sink.log('info', `${req.model.kind === 'scratch' ? 'From-scratch' : 'Pretrained'} model: ${model.trainableParams.toLocaleString('en-US')} trainable of ` +
    `${model.totalParams.toLocaleString('en-US')} parameters, on ${runner.provider} with ${threads} threads.`);
  try {
    return await runLoop({ req, sink, signal, t0, data, labels, model, runner, evaluator, padId: prepared.tokenizer.padId });
  } finally {
    await Promise.all([runner.release(), evaluator.release()]);
  }
}

interface LoopContext {
  req: TrainRequest;
  sink: TrainSink;
  signal: AbortSignal;
  t0: number;
  data: Awaited<ReturnType<typeof loadRunData>>;
  labels: string[];
  model: ReturnType<ReturnType<typeof prepareModel>['build']>;
  runner: TrainStepRunner;
  evaluator: Evaluator;
  padId: number;
}

async function runLoop(c: LoopContext): Promise<TrainOutcome> {
  const { req, sink, signal, data, labels, model, runner, evaluator } = c;
  const hp = req.hyperparameters;
  const accum = hp.gradient_accumulation_steps;
  const lengths = data.train.map((e) => e.ids.length);
  const batchesPerEpoch = Math.ceil(data.train.length / hp.batch_size);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / accum);
  const totalSteps = hp.epochs * stepsPerEpoch;
  const warmup = warmupStepsFor(totalSteps, hp.warmup_ratio);
  const logEvery = Math.max(1, req.logEverySteps ?? 10);
  const lastDir = checkpointDir(req.runDir, 'last');
  const bestDir = checkpointDir(req.runDir, 'best');
  const shapes = new Map(model.trainStep.slots.map((s) => [s.name, s.shape]));

  let st: CheckpointState;
  if (req.resume && hasCheckpoint(lastDir)) {
    const ck = readCheckpoint(lastDir);
    if (ck.state.labels.join('\n') !== labels.join('\n')) {
      throw new LanglabError('INVALID_ARGUMENT', `The checkpoint in ${lastDir} was trained on the labels ${ck.state.labels.join(', ')} but dataset ${req.datasetId} now has ${labels.join(', ')}; it cannot be resumed.`);
    }
    runner.setState(ck.runner);
    st = ck.state;
    sink.log('info', `Resumed from the last checkpoint: step ${st.step}, epoch ${st.epoch + 1}, batch ${st.batchInEpoch}.`);
  } else {
    if (req.resume) sink.log('warn', `No checkpoint in ${lastDir}; starting from the beginning.`);
    st = {
      version: 1, step: 0, epoch: 0, batchInEpoch: 0,
      // Separate streams for shuffling and dropout, both from the run's seed.
      shuffleState: new MaskGenerator(hp.seed).getState(),
      maskState: new MaskGenerator(hp.seed ^ 0x6d2b79f5).getState(),
      bestValLoss: null, bestValAccuracy: null, patienceCounter: 0, trainingDone: false,
      elapsedSeconds: 0, secondsToBest: null, hyperparameters: hp, model: req.model, labels,
    };
  }
  const baseElapsed = st.elapsedSeconds;
  const sessionStart = performance.now();
  const sessionStartStep = st.step;
  const elapsed = () => baseElapsed + (performance.now() - c.t0) / 1000;
  const masks = new MaskGenerator(0);
  masks.setState(st.maskState);
  const shuffle = new MaskGenerator(0);
  const fracEpoch = () => st.step / stepsPerEpoch;

  let lastVal: { loss: number; accuracy: number } | null = st.bestValLoss === null ? null : { loss: st.bestValLoss, accuracy: st.bestValAccuracy ?? 0 };
  let trainLoss: number | null = null;
  let trainAccuracy: number | null = null;
  let lr = 0;
  let samplesPerSecond: number | null = null;
  let win = { samples: 0, lossSum: 0, correct: 0, gradNormSum: 0, steps: 0, since: performance.now() };

  const progress = (phase: RunProgress['phase']) => {
    const doneHere = st.step - sessionStartStep;
    const secPerStep = doneHere > 0 ? (performance.now() - sessionStart) / 1000 / doneHere : null;
    sink.progress({
      phase, epoch: Math.min(hp.epochs, st.epoch + 1), epochs: hp.epochs, step: st.step, totalSteps,
      trainLoss, trainAccuracy, valLoss: lastVal?.loss ?? null, valAccuracy: lastVal?.accuracy ?? null,
      learningRate: lr, samplesPerSecond, etaSeconds: secPerStep === null ? null : secPerStep * (totalSteps - st.step), elapsedSeconds: elapsed(),
    });
  };
  const save = (dir: string) => writeCheckpoint(dir, runner.getState(), { ...st, maskState: masks.getState(), elapsedSeconds: elapsed() }, shapes);

  const flush = () => {
    if (win.samples === 0) return;
    const seconds = (performance.now() - win.since) / 1000;
    trainLoss = win.lossSum / win.samples;
    trainAccuracy = win.correct / win.samples;
    samplesPerSecond = seconds > 0 ? win.samples / seconds : null;
    const at = { step: st.step, epoch: fracEpoch() };
    sink.metrics([
      { key: 'train_loss', value: trainLoss, ...at },
      { key: 'train_accuracy', value: trainAccuracy, ...at },
      { key: 'learning_rate', value: lr, ...at },
      ...(samplesPerSecond === null ? [] : [{ key: 'samples_per_s', value: samplesPerSecond, ...at }]),
      { key: 'grad_norm', value: win.gradNormSum / Math.max(1, win.steps), ...at },
    ]);
    win = { samples: 0, lossSum: 0, correct: 0, gradNormSum: 0, steps: 0, since: performance.now() };
  };

  let stopEarly = false;
  const validate = async () => {
    progress('validating');
    const s = await evaluator.score(data.validation, (n) => runner.param(n), hp.batch_size, labels.length);
    if (!Number.isFinite(s.loss)) throw new LanglabError('TRAINING_FAILED', `Validation loss became ${s.loss} at step ${st.step} (epoch ${st.epoch + 1}); lower the learning rate.`);
    lastVal = { loss: s.loss, accuracy: s.accuracy };
    sink.metrics([
      { key: 'val_loss', value: s.loss, step: st.step, epoch: fracEpoch() },
      { key: 'val_accuracy', value: s.accuracy, step: st.step, epoch: fracEpoch() },
    ]);
    const improved = st.bestValLoss === null || s.loss < st.bestValLoss;
    if (improved) {
      st.bestValLoss = s.loss;
      st.bestValAccuracy = s.accuracy;
      st.patienceCounter = 0;
      st.secondsToBest = elapsed();
      save(bestDir);
    } else {
      st.patienceCounter++;
    }
    sink.log('info', `Validation at step ${st.step} (epoch ${fracEpoch().toFixed(2)}): loss ${s.loss.toFixed(4)}, accuracy ${(100 * s.accuracy).toFixed(2)}%` +
      (improved ? ' (best so far, checkpoint saved)' : ` (no improvement ${st.patienceCounter}/${hp.early_stopping_patience || '∞'})`));
    if (hp.early_stopping_patience > 0 && st.patienceCounter >= hp.early_stopping_patience) {
      stopEarly = true;
      sink.log('info', `Early stopping: validation loss has not improved for ${st.patienceCounter} validations.`);
    }
  };

  const feeds = (batch: readonly number[]): Feeds => {
    const rows = batch.map((i) => data.train[i]);
    const ids = rows.map((e) => (e.source ? randomWindow(e.source, e.ids.length, hp.seed, st.epoch, e.fileIndex) : e.ids));
    const { inputIds, attentionMask, seq } = padBatch(ids, c.padId);
    return { input_ids: inputIds, attention_mask: attentionMask, labels: labelTensor(rows.map((e) => e.label)), ...model.dropout.masks(masks, { batch: rows.length, seq }) };
  };

  while (!st.trainingDone) {
    if (st.epoch >= hp.epochs) {
      st.trainingDone = true;
      break;
    }
    shuffle.setState(st.shuffleState);
    const batches = epochBatches(lengths, hp.batch_size, shuffle);
    const nextShuffle = shuffle.getState();
    progress('training');
    while (st.batchInEpoch < batches.length && !stopEarly) {
      if (signal.aborted) {
        flush();
        save(lastDir);
        sink.log('info', `Cancelled at step ${st.step}; the last checkpoint is saved.`);
        return outcome('KILLED', st, c, null, [], null);
      }
      const group = batches.slice(st.batchInEpoch, st.batchInEpoch + accum);
      lr = linearWarmupDecay(st.step, hp.learning_rate, totalSteps, warmup);
      for (let i = 0; i < group.length; i++) {
        const f = feeds(group[i]);
        const r = i < group.length - 1 ? await runner.accumulate(f) : await runner.step(f, lr);
        if (!Number.isFinite(r.loss)) {
          throw new LanglabError('TRAINING_FAILED', `Loss became ${Number.isNaN(r.loss) ? 'NaN' : 'infinite'} at step ${st.step + 1} (epoch ${st.epoch + 1}); ` +
            `lower the learning rate (${hp.learning_rate}) or the gradient-norm limit. The last checkpoint is from before it.`);
        }
        const logits = r.outputs.logits.data as Float32Array;
        const rows = group[i];
        win.samples += rows.length;
        win.lossSum += r.loss * rows.length;
        rows.forEach((ex, row) => {
          let best = 0;
          for (let k = 1; k < labels.length; k++) if (logits[row * labels.length + k] > logits[row * labels.length + best]) best = k;
          if (best === data.train[ex].label) win.correct++;
        });
        if (r.gradNorm !== null) {
          win.gradNormSum += r.gradNorm;
          win.steps++;
        }
      }
      st.batchInEpoch += group.length;
      st.step++;
      st.maskState = masks.getState();
      if (st.step % logEvery === 0) flush();
      progress('training');
      if (hp.eval_every_steps > 0 && st.step % hp.eval_every_steps === 0 && st.batchInEpoch < batches.length) await validate();
    }
    flush();
    if (st.batchInEpoch >= batches.length) {
      await validate();
      st.epoch++;
      st.batchInEpoch = 0;
      st.shuffleState = nextShuffle;
    }
    if (stopEarly || st.epoch >= hp.epochs) st.trainingDone = true;
    save(lastDir);
  }

  // The test report and the export use the best checkpoint, as the reference reloads its best model.
  progress('testing');
  const best = hasCheckpoint(bestDir) ? readCheckpoint(bestDir).runner : runner.getState();
  const bestParams = new Map(Object.entries(best.params).map(([k, v]) => [k, v instanceof Float32Array ? v : Float32Array.from(v)]));
  const scores = await evaluator.score(data.test, (n) => bestParams.get(n)!, hp.batch_size, labels.length);
  const report = classificationReport(labels, data.test.map((e) => e.label), scores.predicted);
  const evaluation: EvaluationResult = { split: 'test', ...report };
  const predictions = data.test.map((e: Example, i) => ({
    fileIndex: e.fileIndex, path: e.path, trueLabel: labels[e.label], predictedLabel: labels[scores.predicted[i]],
    top: Array.from(scores.probabilities[i], (probability, k) => ({ label: labels[k], probability }))
      .sort((a, b) => b.probability - a.probability).slice(0, PREDICTION_TOP_K),
  }));
  sink.metrics([
    { key: 'test_accuracy', value: report.accuracy, step: st.step, epoch: fracEpoch() },
    { key: 'test_macro_f1', value: report.macro.f1, step: st.step, epoch: fracEpoch() },
  ]);
  sink.log('info', `Test accuracy ${(100 * report.accuracy).toFixed(2)}%, macro F1 ${report.macro.f1.toFixed(4)} over ${data.test.length} files (best checkpoint).`);

  const exportDir = path.join(req.runDir, 'model');
  const tmp = fs.mkdtempSync(path.join(req.runDir, '.model-writing-'));
  exportClassifier(tmp, model.exportSpec(bestParams));
  fs.rmSync(exportDir, { recursive: true, force: true });
  fs.renameSync(tmp, exportDir);
  progress('finished');
  return outcome('FINISHED', st, c, evaluation, predictions, exportDir);
}

function outcome(status: TrainOutcome['status'], st: CheckpointState, c: LoopContext, evaluation: EvaluationResult | null,
  predictions: PredictionWrite[], exportDir: string | null): TrainOutcome {
  return {
    status, epochsCompleted: st.epoch, steps: st.step, bestValLoss: st.bestValLoss, bestValAccuracy: st.bestValAccuracy,
    evaluation, predictions, exportDir, wallSeconds: (performance.now() - c.t0) / 1000, secondsToBest: st.secondsToBest,
    provider: c.runner.provider, labels: c.labels,
  };
}
