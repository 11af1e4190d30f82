// The learning-rate range test: trains a fresh model for up to `steps` optimizer steps while the
// learning rate grows exponentially from `minLr` to `maxLr`, records the loss at each, and stops
// when the smoothed loss diverges. It uses the training loop's pieces (model, data, batches, feeds,
// the step runner) but writes no checkpoint and no export: the curve is the whole result.
import os from 'node:os';
import type { LrFindProgress, ModelSpec } from '../../preload/contract-common.ts';
import type { Hyperparameters } from '../../preload/hyperparameters.ts';
import { MaskGenerator } from '../engine/optim/dropout-mask.ts';
import { TrainStepRunner } from '../engine/runtime/train-step-runner.ts';
import { LanglabError } from '../errors.ts';
import { epochBatches } from './batches.ts';
import { loadRunData } from './data.ts';
import { trainFeeds } from './feeds.ts';
import { diverged, LossSmoother, rampLr, suggestLr, type LrPoint, type LrSuggestion } from './lr-range.ts';
import { prepareModel } from './model.ts';

export interface LrFindRequest {
  storeFile: string;
  datasetId: number;
  model: ModelSpec;
  /** Complete and validated; the finder steps one batch at a time (no accumulation) and ignores epochs and warm-up. */
  hyperparameters: Hyperparameters;
  minLr: number;
  maxLr: number;
  steps: number;
  threads?: number;
  nativeBinding?: string;
}

export interface LrFindOutcome extends LrSuggestion {
  status: 'FINISHED' | 'KILLED';
  points: LrPoint[];
  /** Why it stopped before the last step: 'diverged' (the loss grew past 4x its best), or null. */
  stoppedBy: 'diverged' | null;
  labels: string[];
}

/** Runs the range test; `onPoint` gets each measured step (1, 2, 3 ...) as it comes, so the caller can store the curve as it grows. */
export async function lrFind(
  req: LrFindRequest,
  onProgress: (p: LrFindProgress) => void,
  signal: AbortSignal,
  onPoint: (step: number, point: LrPoint) => void = () => {},
): Promise<LrFindOutcome> {
  // One batch at a time; and no frozen-layer cache: a range test of a hundred steps sees most files
  // once, so caching their frozen layers would only add the writes (and the graph takes token ids).
  const hp = { ...req.hyperparameters, gradient_accumulation_steps: 1, cache_frozen_layers: false };
  if (!(req.minLr > 0 && req.maxLr > req.minLr)) throw new LanglabError('INVALID_ARGUMENT', `The finder's range must grow: min ${req.minLr}, max ${req.maxLr}. Give 0 < min < max.`);
  onProgress({ phase: 'preparing', step: 0, steps: req.steps, lr: null, loss: null });
  const prepared = prepareModel(req.model, hp);
  const data = await loadRunData({
    storeFile: req.storeFile, datasetId: req.datasetId, tokenize: prepared.tokenizer.tokenize, source: prepared.tokenizer.source, profile: prepared.tokenizer.profile,
    validationSplit: hp.validation_split, seed: hp.seed, signal, nativeBinding: req.nativeBinding,
  });
  if (data.labels.length < 2) throw new LanglabError('INVALID_ARGUMENT', `Dataset ${req.datasetId} has only one class (${data.labels[0] ?? 'none'}); the finder needs at least two.`);
  const model = prepared.build(data.labels);
  const runner = await TrainStepRunner.create(model.trainStep, { provider: 'cpu', intraOpNumThreads: req.threads ?? os.availableParallelism() });
  const points: LrPoint[] = [];
  const smoother = new LossSmoother();
  let best = Infinity;
  let stoppedBy: LrFindOutcome['stoppedBy'] = null;
  try {
    const lengths = data.train.map((e) => e.ids.length);
    const shuffle = new MaskGenerator(hp.seed);
    const masks = new MaskGenerator(hp.seed ^ 0x6d2b79f5);
    let batches: number[][] = [];
    let epoch = -1;
    for (let i = 0; i < req.steps; i++) {
      if (signal.aborted) return { status: 'KILLED', points, stoppedBy, labels: data.labels, ...suggestLr(points) };
      if (batches.length === 0) {
        epoch++;
        batches = epochBatches(lengths, hp.batch_size, shuffle);
      }
      const lr = rampLr(i, req.steps, req.minLr, req.maxLr);
      const r = await runner.step(trainFeeds(data.train, batches.shift()!, { model, padId: prepared.tokenizer.padId, seed: hp.seed, epoch, masks }), lr);
      const smoothed = Number.isFinite(r.loss) ? smoother.add(r.loss) : Infinity;
      if (Number.isFinite(r.loss)) {
        points.push({ lr, loss: r.loss, smoothed });
        onPoint(points.length, points[points.length - 1]);
      }
      onProgress({ phase: 'training', step: i + 1, steps: req.steps, lr, loss: Number.isFinite(r.loss) ? r.loss : null });
      if (diverged(smoothed, best)) {
        stoppedBy = 'diverged';
        break;
      }
      best = Math.min(best, smoothed);
    }
  } finally {
    await runner.release();
  }
  return { status: 'FINISHED', points, stoppedBy, labels: data.labels, ...suggestLr(points) };
}
