// The training loop of a run, as the reference script ran it: epochs of shuffled, length-bucketed
// batches; linear warm-up then decay; validation at each epoch end (and every K steps); early
// stopping on validation loss; last and best checkpoints; at the end the test report with the best
// weights and their export. It runs wherever it is called (a worker thread or utility process: the
// host's job), reads the store read-only and reports through a sink.
import os from 'node:os';
import type { PredictionRow, RunProgress } from '../../preload/contract-common.ts';
import type { ModelSpec } from '../../preload/contract-common.ts';
import type { Hyperparameters } from '../../preload/hyperparameters.ts';
import { MaskGenerator } from '../engine/optim/dropout-mask.ts';
import { linearWarmupDecay, warmupStepsFor } from '../engine/optim/schedule.ts';
import type { ProviderName } from '../engine/runtime/providers.ts';
import type { Feeds } from '../engine/runtime/train-step-runner.ts';
import { TrainStepRunner } from '../engine/runtime/train-step-runner.ts';
import { LanglabError } from '../errors.ts';
import { earlierDraws, epochBatches, projectBalancedDraws } from './batches.ts';
import { type CheckpointState, checkpointDir, hasCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { type RunData, loadRunData, readExampleTexts } from './data.ts';
import { Evaluator, type EvaluatorLook } from './evaluator.ts';
import { trainFeeds } from './feeds.ts';
import { type EvaluationResult, type FinalReport, reportAndExport } from './final-report.ts';
import { MetricsWindow } from './metrics-window.ts';
import { PREFIX_INPUT, type PrefixDtype } from './frozen-prefix.ts';
import { type TrainableModel, prepareModel } from './model.ts';
import { PrefixCache, formatBytes } from './prefix-cache.ts';
import type { TrainSink } from './sink.ts';
import { Validator } from './validation.ts';
import { WeightAverage } from './weight-average.ts';

export { predictTexts } from './predict.ts';
export type { MetricWrite, TrainSink } from './sink.ts';

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
  /** Optimizer steps per train_* metrics point (default 10; the session's first step and every epoch end log too; learning_rate is kept for every step). */
  logEverySteps?: number;
  /** better-sqlite3 addon for the running runtime (Electron's build), when not the default one. */
  nativeBinding?: string;
  /** How the frozen-prefix cache stores outputs (`cache_frozen_layers`); float16 unless a test or benchmark compares. */
  prefixDtype?: PrefixDtype;
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
  predictions: PredictionRow[];
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
  let unknownProvider: string | null = null;
  if ((PROVIDERS as readonly string[]).includes(req.provider)) provider = req.provider as ProviderName;
  else sink.log('warn', (unknownProvider = `Execution provider "${req.provider}" is unknown; using CPU.`));

  const idle = { epoch: 0, epochs: hp.epochs, step: 0, totalSteps: 0, trainLoss: null, trainAccuracy: null, valLoss: null, valAccuracy: null,
    learningRate: null, samplesPerSecond: null, etaSeconds: null };
  sink.progress({ ...idle, phase: 'preparing', elapsedSeconds: 0 });
  const prepared = prepareModel(req.model, hp);
  const data = await loadRunData({
    storeFile: req.storeFile, datasetId: req.datasetId, tokenize: prepared.tokenizer.tokenize, source: prepared.tokenizer.source, profile: prepared.tokenizer.profile, validationSplit: hp.validation_split,
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
  if (hp.project_balance > 0) {
    const projects = new Set(data.train.flatMap((e) => (e.project === undefined ? [] : [`${e.label}\u0000${e.project}`]))).size;
    sink.log('info', projects === 0
      ? `project_balance ${hp.project_balance}: dataset ${req.datasetId} records no projects, so each class's files count as one project and each file is drawn once an epoch.`
      : `project_balance ${hp.project_balance}: each epoch draws the training files of ${projects} projects (class by class) with a project of n files weighing n^-${hp.project_balance} a file.`);
  }

  // A GPU provider gets the graph that keeps state on the device and, unless turned off, computes
  // in float16; if that provider then cannot start, the run falls back to the CPU's float32 graph.
  const gpu = provider !== 'cpu';
  const prefixDtype = req.prefixDtype ?? 'float16';
  let model = prepared.build(labels, { target: provider === 'webgpu' ? 'webgpu' : 'cpu', mixedPrecision: gpu && hp.mixed_precision, prefixDtype });
  let cache: PrefixCache | null = null;
  let runner: TrainStepRunner | null = null;
  let evaluator: Evaluator | null = null;
  try {
    // The frozen-layer cache is filled before the training and evaluation sessions exist, so the
    // prefix's frozen weights are released before those sessions' memory is taken.
    const fillCache = async (on: ProviderName) => {
      await cache?.close();
      cache = await openPrefixCache(req, model, data, prepared.tokenizer.padId, on, threads, sink);
      return cache === null || (await fillPrefixCache(cache, hp.batch_size, sink, signal, t0, hp.epochs));
    };
    if (!(await fillCache(provider))) return killedEarly();
    runner = await TrainStepRunner.create(model.trainStep, { provider, intraOpNumThreads: threads });
    const fallbackReason = runner.fallbackReason;
    if (fallbackReason) {
      sink.log('warn', fallbackReason);
      await runner.release();
      model = prepared.build(labels, { prefixDtype });
      if (!(await fillCache('cpu'))) return killedEarly();
      runner = await TrainStepRunner.create(model.trainStep, { provider: 'cpu', intraOpNumThreads: threads });
    }
    sink.device?.(runner.provider, fallbackReason ?? unknownProvider);
    const precision = model.trainStep.lossScaleInput ? 'mixed precision (float16 compute, float32 weights)' : 'float32';
    // The training graph's bytes go before the evaluation session is made; the evaluation graph's
    // bytes live only while its session is made: each holds every frozen weight (about 330 MB for
    // CodeBERTa). With the cache, validation runs above the prefix from the cached outputs, so no
    // frozen weight is in memory while training; the whole model is loaded for the test report.
    releaseTrainStepBytes(model, runner);
    const padId = prepared.tokenizer.padId;
    evaluator = cache ? await Evaluator.fromCache(model, cache, data.validation, data.train.length, padId, runner.provider, threads)
      : await Evaluator.create(model, padId, runner.provider, threads);
    sink.log('info', `${req.model.kind === 'scratch' ? 'From-scratch' : 'Pretrained'} model: ${model.trainableParams.toLocaleString('en-US')} trainable of ` +
      `${model.totalParams.toLocaleString('en-US')} parameters, on ${runner.provider} with ${threads} threads, in ${precision}.`);
    const on = runner.provider;
    const spread = prepared.tokenizer.secondLook;
    const secondLook: EvaluatorLook | null = spread ? {
      look: spread.look,
      windowsOf: async (examples) => (await readExampleTexts(req, examples)).map((text) => spread.windows(text).map((w) => Int32Array.from(w))),
    } : null;
    return await runLoop({ req, sink, signal, t0, data, labels, model, runner, evaluator, padId, cache, secondLook,
      testEvaluator: () => (cache ? Evaluator.create(model, padId, on, threads) : Promise.resolve(evaluator!)) });
  } finally {
    const open = cache as PrefixCache | null;
    await Promise.all([runner?.release(), evaluator?.release(), open?.close()]);
  }
}

/**
 * Drops what only the training session's creation needed: the serialised training graph (every
 * frozen weight inside) and the trainable weights' initial values. The session has its own copy
 * and the runner its own parameters; `runner.spec` is the same step without them.
 */
function releaseTrainStepBytes(model: TrainableModel, runner: TrainStepRunner): void {
  model.trainStep = runner.spec;
}


interface LoopContext {
  req: TrainRequest;
  sink: TrainSink;
  signal: AbortSignal;
  t0: number;
  data: RunData;
  labels: string[];
  model: TrainableModel;
  runner: TrainStepRunner;
  evaluator: Evaluator;
  padId: number;
  /** The frozen prefix's outputs (training and validation files), when the model trains from them. */
  cache: PrefixCache | null;
  /** The evaluator for the test split: `evaluator` itself, or with the cache a whole-model one made for the report. */
  testEvaluator: () => Promise<Evaluator>;
  /** The second look the test report and the export take (null: none). */
  secondLook: EvaluatorLook | null;
}

/** Opens the run's frozen-prefix cache when the model trains from one, and says in the log what it costs and holds. */
async function openPrefixCache(req: TrainRequest, model: TrainableModel, data: RunData, padId: number, provider: ProviderName, threads: number,
  sink: TrainSink): Promise<PrefixCache | null> {
  const hp = req.hyperparameters;
  const prefix = model.prefix;
  if (!prefix) {
    if (hp.cache_frozen_layers && hp.freeze_base_model && model.family === 'roberta' && provider !== 'cpu') {
      sink.log('info', `Frozen layers are recomputed every epoch on ${provider}: the frozen-layer cache serves the CPU's float32 graph only.`);
    }
    return null;
  }
  // Training files first (the loop's batch rows are their indices), then the validation files.
  const files = [...data.train, ...data.validation].map((e) => e.ids);
  const cache = await PrefixCache.open({ runDir: req.runDir, prefix, files, padId, provider, threads });
  const o = cache.opening;
  sink.log('info', `Frozen-layer cache: the embeddings and encoder layers 0-${prefix.layers - 1} run once per training and validation file and their output is kept in ` +
    `${o.dir} (${prefix.dtype}, ${formatBytes(o.bytes)} for ${o.files} files); they are computed before the first step, and every epoch trains and validates the top layers and the head from them. ` +
    `Dropout is off in the cached layers.${o.discarded ? ` The previous cache was discarded: ${o.discarded}.` : ''}` +
    `${o.written > 0 ? ` ${o.written} of ${o.files} files are already cached.` : ''}`);
  return cache;
}

/**
 * Computes the frozen prefix's output for every training and validation file not cached yet, as
 * the run's 'caching' phase (files done of all). Returns false when the run was cancelled meanwhile.
 */
async function fillPrefixCache(cache: PrefixCache, batchSize: number, sink: TrainSink, signal: AbortSignal, t0: number, epochs: number): Promise<boolean> {
  const start = performance.now();
  let first = -1;
  const done = await cache.fill({
    batchSize, signal,
    onProgress: (n, total) => {
      if (first < 0) first = n;
      const now = performance.now();
      const rate = n > first ? (n - first) / ((now - start) / 1000) : null;
      sink.progress({
        phase: 'caching', epoch: 0, epochs, step: n, totalSteps: total, trainLoss: null, trainAccuracy: null, valLoss: null, valAccuracy: null,
        learningRate: null, samplesPerSecond: rate, etaSeconds: rate ? (total - n) / rate : null, elapsedSeconds: (now - t0) / 1000,
      });
    },
  });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  if (!done) sink.log('info', `Cancelled while the frozen-layer cache filled (${cache.counts.computed} files computed in ${seconds} s); what is cached is kept for a resume.`);
  else if (cache.counts.computed > 0) sink.log('info', `Frozen-layer cache filled: ${cache.counts.computed} files in ${seconds} s; the prefix's weights are released.`);
  return done;
}

/** Epochs of optimizer steps from the checkpoint state on, then the final report; the units it calls own their state. */
async function runLoop(c: LoopContext): Promise<TrainOutcome> {
  const { req, sink, signal, data, labels, model, runner, evaluator } = c;
  const hp = req.hyperparameters;
  const accum = hp.gradient_accumulation_steps;
  const lengths = data.train.map((e) => e.ids.length);
  const trainLabels = data.train.map((e) => e.label);
  const trainProjects = data.train.map((e) => e.project);
  const batchesPerEpoch = Math.ceil(data.train.length / hp.batch_size);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / accum);
  const totalSteps = hp.epochs * stepsPerEpoch;
  const warmup = warmupStepsFor(totalSteps, hp.warmup_ratio);
  const logEvery = Math.max(1, req.logEverySteps ?? 10);
  const lastDir = checkpointDir(req.runDir, 'last');
  const bestDir = checkpointDir(req.runDir, 'best');
  const shapes = new Map(model.trainStep.slots.map((s) => [s.name, s.shape]));

  const { st, average } = startingState(c, lastDir);
  const baseElapsed = st.elapsedSeconds;
  const sessionStart = performance.now();
  const sessionStartStep = st.step;
  const elapsed = () => baseElapsed + (performance.now() - c.t0) / 1000;
  const masks = new MaskGenerator(0);
  masks.setState(st.maskState);
  const shuffle = new MaskGenerator(0);
  const fracEpoch = () => st.step / stepsPerEpoch;
  // On a GPU provider the weights live on the device: sync() reads them back before anything that
  // needs them on the host (validation, checkpoints, the final report), and is free on the CPU.
  // With a weight average the best checkpoint holds the averaged weights (what validation scored,
  // and what the report and export read); the last one holds both, so a resume goes on averaging.
  const weightsToKeep = () => {
    const state = runner.getState();
    return average ? { ...state, params: average.weights } : state;
  };
  const stateNow = () => ({ ...st, maskState: masks.getState(), elapsedSeconds: elapsed() });
  const syncAndSaveLast = async () => {
    await runner.sync();
    writeCheckpoint(lastDir, runner.getState(), stateNow(), shapes, average ? { weights: average.weights, updates: average.updates } : undefined);
  };

  const window = new MetricsWindow(labels.length, (rows) => sink.metrics(rows));
  const validator = new Validator({
    evaluator, examples: data.validation, param: (n) => (average ? average.param(n) : runner.param(n)), batchSize: hp.batch_size, classes: labels.length,
    patience: hp.early_stopping_patience, sink, saveBest: () => writeCheckpoint(bestDir, weightsToKeep(), stateNow(), shapes), elapsed,
  }, st);
  let lr = 0;
  let stopEarly = false;
  let skippedSteps = 0;

  const progress = (phase: RunProgress['phase']) => {
    const doneHere = st.step - sessionStartStep;
    const secPerStep = doneHere > 0 ? (performance.now() - sessionStart) / 1000 / doneHere : null;
    sink.progress({
      phase, epoch: Math.min(hp.epochs, st.epoch + 1), epochs: hp.epochs, step: st.step, totalSteps,
      trainLoss: window.trainLoss, trainAccuracy: window.trainAccuracy, valLoss: validator.last?.loss ?? null, valAccuracy: validator.last?.accuracy ?? null,
      learningRate: lr, samplesPerSecond: window.samplesPerSecond, etaSeconds: secPerStep === null ? null : secPerStep * (totalSteps - st.step), elapsedSeconds: elapsed(),
    });
  };
  const validate = async () => {
    progress('validating');
    await runner.sync();
    if (await validator.validate(st, fracEpoch())) stopEarly = true;
  };

  while (!st.trainingDone) {
    if (st.epoch >= hp.epochs) {
      st.trainingDone = true;
      break;
    }
    shuffle.setState(st.shuffleState);
    const batches = epochBatches(lengths, hp.batch_size, shuffle, hp.project_balance > 0 ? projectBalancedDraws(trainLabels, trainProjects, hp.project_balance, shuffle) : undefined);
    const nextShuffle = shuffle.getState();
    const repeats = earlierDraws(batches);
    progress('training');
    while (st.batchInEpoch < batches.length && !stopEarly) {
      if (signal.aborted) {
        window.flush(st.step, fracEpoch(), lr);
        await syncAndSaveLast();
        sink.log('info', `Cancelled at step ${st.step}; the last checkpoint is saved.`);
        return outcome('KILLED', st, c, null);
      }
      const group = batches.slice(st.batchInEpoch, st.batchInEpoch + accum);
      lr = linearWarmupDecay(st.step, hp.learning_rate, totalSteps, warmup);
      for (let i = 0; i < group.length; i++) {
        const f = await stepFeeds(c, group[i], repeats[st.batchInEpoch + i], st.epoch, masks);
        const r = i < group.length - 1 ? await runner.accumulate(f) : await runner.step(f, lr);
        if (r.skipped) {
          // Mixed precision: a gradient overflowed; the runner halved its loss scale and left the weights.
          skippedSteps++;
          if (skippedSteps === 1 || Number.isInteger(Math.log10(skippedSteps))) {
            sink.log('info', `Mixed precision: ${skippedSteps} step${skippedSteps === 1 ? '' : 's'} skipped so far on a float16 overflow; loss scale now ${runner.lossScaler.scale}.`);
          }
          continue;
        }
        if (!Number.isFinite(r.loss)) {
          throw new LanglabError('TRAINING_FAILED', `Loss became ${Number.isNaN(r.loss) ? 'NaN' : 'infinite'} at step ${st.step + 1} (epoch ${st.epoch + 1}); ` +
            `lower the learning rate (${hp.learning_rate}) or the gradient-norm limit. The last checkpoint is from before it.`);
        }
        window.add(group[i], data.train, r.loss, r.outputs.logits.data as Float32Array, r.gradNorm);
      }
      st.batchInEpoch += group.length;
      st.step++;
      st.maskState = masks.getState();
      if (average?.due(st.step)) {
        await runner.sync();
        average.update((n) => runner.param(n));
      }
      window.stepped(st.step, fracEpoch(), lr);
      // The first step of a session is logged at once, so the dashboard has a point to draw.
      if (st.step === sessionStartStep + 1 || st.step % logEvery === 0) window.flush(st.step, fracEpoch(), lr);
      progress('training');
      if (hp.eval_every_steps > 0 && st.step % hp.eval_every_steps === 0 && st.batchInEpoch < batches.length) await validate();
    }
    window.flush(st.step, fracEpoch(), lr);
    if (st.batchInEpoch >= batches.length) {
      await validate();
      st.epoch++;
      st.batchInEpoch = 0;
      st.shuffleState = nextShuffle;
    }
    if (stopEarly || st.epoch >= hp.epochs) st.trainingDone = true;
    await syncAndSaveLast();
    if (c.cache) {
      const n = c.cache.counts;
      sink.log('info', `Frozen-layer cache after epoch ${st.epoch}: ${n.read} records read, ${n.computed} computed${n.damaged ? `, ${n.damaged} damaged and recomputed` : ''} so far in this session.`);
    }
  }

  if (c.cache) {
    // Training is over: the test report reads the full evaluation graph, and the disk is the user's.
    await c.cache.remove();
    sink.log('info', `Frozen-layer cache removed from ${c.cache.opening.dir} (${formatBytes(c.cache.opening.bytes)} freed): training is over.`);
  }
  progress('testing');
  await runner.sync();
  const tester = await c.testEvaluator();
  let report: FinalReport;
  try {
    report = await reportAndExport({
      runDir: req.runDir, bestDir, current: weightsToKeep, evaluator: tester, model, test: data.test, labels,
      secondLook: c.secondLook, batchSize: hp.batch_size, sink,
      syntaxRules: hp.syntax_rules ? (examples) => readExampleTexts(req, examples) : null,
      step: st.step, epoch: fracEpoch(),
    });
  } finally {
    if (tester !== evaluator) await tester.release();
  }
  progress('finished');
  return outcome('FINISHED', st, c, report);
}

/**
 * The resumed run's checkpoint state (its labels must be the dataset's), or a fresh start's, and
 * the weight average when `ema_decay` is on (the checkpoint's, or one starting from the weights).
 */
function startingState(c: LoopContext, lastDir: string): { st: CheckpointState; average: WeightAverage | null } {
  const { req, sink, runner } = c;
  const hp = req.hyperparameters;
  const resumed = req.resume && hasCheckpoint(lastDir) ? readCheckpoint(lastDir) : null;
  const st = stateToStart(c, lastDir, resumed);
  if (!(hp.ema_decay > 0)) return { st, average: null };
  if (resumed && !resumed.average && st.step > 0) sink.log('warn', `The checkpoint in ${lastDir} holds no weight average; averaging starts again from its weights.`);
  // The average takes the weights every 4 steps on the CPU (a pass over 8.8 M weights costs about
  // 12 ms, a step of the defaults 140 ms) and every 16 where they must be read back from a GPU;
  // over a thousand-step horizon that reads the same as every step.
  const every = runner.stateOnDevice ? 16 : 4;
  const names = c.model.trainStep.slots.map((s) => s.name);
  return { st, average: new WeightAverage(hp.ema_decay, every, names, (n) => runner.param(n), resumed?.average ?? null) };
}

function stateToStart(c: LoopContext, lastDir: string, resumed: ReturnType<typeof readCheckpoint> | null): CheckpointState {
  const { req, sink, labels, runner } = c;
  const hp = req.hyperparameters;
  if (resumed) {
    if (resumed.state.labels.join('\n') !== labels.join('\n')) {
      throw new LanglabError('INVALID_ARGUMENT', `The checkpoint in ${lastDir} was trained on the labels ${resumed.state.labels.join(', ')} but dataset ${req.datasetId} now has ${labels.join(', ')}; it cannot be resumed.`);
    }
    runner.setState(resumed.runner);
    const st = resumed.state;
    sink.log('info', `Resumed from the last checkpoint: step ${st.step}, epoch ${st.epoch + 1}, batch ${st.batchInEpoch}.`);
    return st;
  }
  if (req.resume) sink.log('warn', `No checkpoint in ${lastDir}; starting from the beginning.`);
  return {
    version: 1, step: 0, epoch: 0, batchInEpoch: 0,
    // Separate streams for shuffling and dropout, both from the run's seed.
    shuffleState: new MaskGenerator(hp.seed).getState(),
    maskState: new MaskGenerator(hp.seed ^ 0x6d2b79f5).getState(),
    bestValLoss: null, bestValAccuracy: null, patienceCounter: 0, trainingDone: false,
    elapsedSeconds: 0, secondsToBest: null, hyperparameters: hp, model: req.model, labels,
  };
}

/**
 * One micro-batch's inputs (feeds.ts, shared with the learning-rate finder); with a frozen-prefix
 * cache, the prefix's output for those files in place of their token ids.
 */
async function stepFeeds(c: LoopContext, batch: readonly number[], repeats: readonly number[], epoch: number, masks: MaskGenerator): Promise<Feeds> {
  const { input_ids: inputIds, ...rest } = trainFeeds(c.data.train, batch, { model: c.model, padId: c.padId, seed: c.req.hyperparameters.seed, epoch, masks, repeats });
  if (!c.cache) return { input_ids: inputIds, ...rest };
  return { [PREFIX_INPUT]: await c.cache.batch(batch, inputIds.dims[1]), ...rest };
}

function outcome(status: TrainOutcome['status'], st: CheckpointState, c: LoopContext, report: FinalReport | null): TrainOutcome {
  return {
    status, epochsCompleted: st.epoch, steps: st.step, bestValLoss: st.bestValLoss, bestValAccuracy: st.bestValAccuracy,
    evaluation: report?.evaluation ?? null, predictions: report?.predictions ?? [], exportDir: report?.exportDir ?? null,
    wallSeconds: (performance.now() - c.t0) / 1000, secondsToBest: st.secondsToBest, provider: c.runner.provider, labels: c.labels,
  };
}
