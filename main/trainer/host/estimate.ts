// What the New Run form shows before a run starts: parameter counts, a memory estimate and a time
// per epoch and per run, as ranges. Counts are exact (from the shapes the model builders use);
// memory is a rough model. Time comes from earlier runs of the same model and length on this
// machine when there are any (measured-rate.ts); else from a model of FLOPs, elementwise work and
// per-step overhead (calibrated on DESIGN.md's measurement and on small models measured here),
// scaled by how fast earlier runs of other settings went on this machine when there are any. The
// model alone is good to a factor of about two on a quiet machine.

import os from 'node:os';
import type { RunEstimate } from '../../../preload/contract.ts';
import type { Hyperparameters } from '../../../preload/hyperparameters.ts';
import { robertaEncoderShapes, robertaHeadShapes } from '../../engine/io/roberta-config.ts';
import { scratchShapes } from '../../engine/models/scratch.ts';
import { scratchConfigFor } from '../model.ts';
import type { MachineFactor, MeasuredRate } from './measured-rate.ts';
import { trainFileCount, type RunPlan } from './run-plan.ts';

/**
 * Matrix-multiply FLOP/s of a training step on the 2-core reference machine, from DESIGN.md: the
 * 4-layer d_model 256 encoder, sequence 256, batch 16 (9.0e10 FLOPs by layerFlops below) took about
 * 0.55 s per step with 2 threads.
 */
export const REFERENCE_FLOPS_PER_SECOND = 1.64e11;
const REFERENCE_CORES = 2;
/**
 * What a step costs besides its FLOPs: onnxruntime runs a training graph of about 475 nodes per
 * encoder layer (DESIGN.md: ~1,900 for 4 layers) at a few microseconds each (a 1-layer, d_model 32
 * model measured under 10 ms per step, validation included, on a loaded 2-core machine).
 */
const STEP_OVERHEAD_SECONDS_PER_LAYER = 0.002;
/** What every step costs whatever the model: feeding, copying outputs, metrics, progress. */
const STEP_OVERHEAD_SECONDS = 0.001;
/** Elementwise floats per second on the reference machine (see layerElementwise: between the quiet and the loaded measurement). */
const ELEMENTWISE_PER_SECOND = 2e9;
/** Per epoch: the last and best checkpoints written, the validation session's start. */
const EPOCH_OVERHEAD_SECONDS = 0.05;
/** Once per run: the engine starting, tokenising, building the graphs, testing and exporting (1.5-4 s measured on 2 cores, quiet to loaded). */
const FIXED_SECONDS = 2.5;
/** Ranges around the middle figure: how far each kind of estimate has been seen to miss. */
const MEASURED_SPREAD: [number, number] = [0.85, 1.2];
const OTHER_BATCH_SPREAD: [number, number] = [0.6, 1.6];
const THROUGHPUT_SPREAD: [number, number] = [0.8, 1.6];
const MODEL_SPREAD: [number, number] = [0.5, 2];
/** The model scaled by this machine's measured speed on other models: how well cost carries across shapes is the doubt left. */
const MACHINE_SPREAD: [number, number] = [0.6, 1.7];
/** Bytes per token of typical source code for a BPE tokenizer such as CodeBERTa's. */
const BYTES_PER_BPE_TOKEN = 3.5;
/** Everything the engine process holds besides tensors (runtime, graphs, tokenized dataset). */
const BASE_BYTES = 300 * 1024 ** 2;

interface Shape {
  layers: number;
  d: number;
  ffn: number;
  heads: number;
  /** Layers from the top that train (the rest only run forward). */
  trainableLayers: number;
}

function count(shapes: Map<string, number[]>, keep: (name: string) => boolean = () => true): number {
  let n = 0;
  for (const [name, shape] of shapes) if (keep(name)) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * Floats one token's forward pass through one encoder layer reads and writes outside matrix
 * products (attention softmax and masks, dropout, GELU, LayerNorm, residuals). For small models
 * these, not FLOPs, set the pace: the from-scratch defaults (d_model 128, 2 layers, 256 bytes)
 * measured 0.11 s per step on a quiet 2-core machine (benchmark v3, 10.3 min for about 5,600 steps)
 * and 0.34 s on a loaded one, where FLOPs alone predict 0.08 s.
 */
function layerElementwise(s: Shape, seq: number): number {
  return 4 * s.heads * seq + 6 * s.ffn + 10 * s.d;
}

/** Forward FLOPs of one token through one encoder layer at sequence length `seq`. */
function layerFlops(s: Shape, seq: number): number {
  return 2 * (4 * s.d * s.d + 2 * s.d * s.ffn) + 4 * seq * s.d;
}

/**
 * Parameter counts, memory and time for a checked run plan. `measured` (earlier runs of the same
 * model and length on this machine) is preferred to the FLOP model.
 */
export function estimateRun(plan: RunPlan, measured: MeasuredRate | null = null, machine: MachineFactor | null = null, cores = os.availableParallelism()): RunEstimate {
  return estimateParts(plan, measured, machine, cores).estimate;
}

/**
 * What the FLOP model (unscaled) says one optimizer step of this plan costs over a whole run,
 * preparing, validation and testing included; null where it has no figure (not cpu). Measured runs
 * of other models divided by this give the machine factor (measured-rate.ts).
 */
export function modelSecondsPerStep(plan: RunPlan, cores = os.availableParallelism()): number | null {
  const { modelEpochSeconds, estimate } = estimateParts(plan, null, null, cores);
  const steps = estimate.stepsPerEpoch * plan.hyperparameters.epochs;
  return modelEpochSeconds === null || steps === 0 ? null : (modelEpochSeconds * plan.hyperparameters.epochs + FIXED_SECONDS) / steps;
}

function estimateParts(
  plan: RunPlan,
  measured: MeasuredRate | null,
  machine: MachineFactor | null,
  cores: number,
): { estimate: RunEstimate; modelEpochSeconds: number | null } {
  const hp: Hyperparameters = plan.hyperparameters;
  const labels = plan.dataset.classes.filter((c) => c.files > 0).length;
  let totalParams: number;
  let trainableParams: number;
  let shape: Shape;
  let bytesPerToken = 1;
  let hidden = 0;
  if (plan.checkedModel) {
    const c = plan.checkedModel.config;
    const encoder = robertaEncoderShapes(c);
    const head = robertaHeadShapes(c, labels);
    const firstTrainable = hp.freeze_base_model ? Math.max(0, c.num_hidden_layers - hp.unfreeze_last_n_layers) : 0;
    const trainsLayer = (name: string) => {
      const m = /^encoder\.layer\.(\d+)\./.exec(name);
      return m ? Number(m[1]) >= firstTrainable : !hp.freeze_base_model;
    };
    totalParams = count(encoder) + count(head);
    trainableParams = count(encoder, trainsLayer) + count(head);
    shape = { layers: c.num_hidden_layers, d: c.hidden_size, ffn: c.intermediate_size, heads: c.num_attention_heads, trainableLayers: c.num_hidden_layers - firstTrainable };
    bytesPerToken = BYTES_PER_BPE_TOKEN;
    hidden = c.hidden_size;
  } else {
    totalParams = count(scratchShapes(scratchConfigFor(hp, labels)));
    trainableParams = totalParams;
    shape = { layers: hp.num_layers, d: hp.d_model, ffn: hp.dim_feedforward, heads: hp.num_heads, trainableLayers: hp.num_layers };
  }

  // Peak memory: weights, AdamW state and gradients (and the runtime's copies of new weights), the
  // weight average's copy when `ema_decay` is on, plus the activations the backward pass keeps for
  // the longest batch.
  const L = hp.max_length;
  const microBatch = hp.batch_size;
  const activationFloats = microBatch * L * shape.layers * (10 * shape.d + 2 * shape.ffn + 3 * shape.heads * L);
  const memoryBytes = Math.round(BASE_BYTES + 4 * totalParams + 4 * (hp.ema_decay > 0 ? 7 : 6) * trainableParams + 4 * activationFloats);

  const trainFiles = Math.max(0, trainFileCount(plan.dataset, hp));
  const stepsPerEpoch = Math.ceil(trainFiles / (hp.batch_size * hp.gradient_accumulation_steps));

  // Batches are bucketed by length, so the typical file's length, not max_length, sets the cost.
  const files = plan.dataset.classes.reduce((n, c) => n + c.files, 0);
  const bytes = plan.dataset.classes.reduce((n, c) => n + c.bytes, 0);
  const seq = Math.max(8, Math.min(L, files > 0 ? bytes / files / bytesPerToken : L));
  const frozen = shape.layers - shape.trainableLayers;
  // The frozen-layer cache (the CPU graph only) runs the frozen layers once per training and
  // validation file, before the first epoch: an epoch of the estimate is the run's average one.
  const cached = plan.checkedModel !== null && plan.provider === 'cpu' && hp.freeze_base_model && hp.cache_frozen_layers && frozen >= 1;
  const frozenRuns = cached ? frozen / hp.epochs : frozen;
  const evalLayers = cached ? frozenRuns + shape.trainableLayers : shape.layers;
  const perTokenTrain = layerFlops(shape, seq) * (frozenRuns + 3 * shape.trainableLayers);
  const perTokenEval = layerFlops(shape, seq) * evalLayers;
  const validationFiles = plan.dataset.splits.validation > 0 ? plan.dataset.splits.validation : plan.dataset.splits.train - trainFiles;
  const epochFlops = trainFiles * seq * perTokenTrain + validationFiles * seq * perTokenEval;
  const epochFloats = trainFiles * seq * layerElementwise(shape, seq) * (frozenRuns + 3 * shape.trainableLayers) + validationFiles * seq * layerElementwise(shape, seq) * evalLayers;
  const speedup = Math.pow(Math.max(1, cores) / REFERENCE_CORES, 0.8);
  const rate = REFERENCE_FLOPS_PER_SECOND * speedup;
  const filesPerStep = hp.batch_size * hp.gradient_accumulation_steps;
  // Validation runs forward only: about a third of a training step per batch.
  const validationSteps = Math.ceil(validationFiles / hp.batch_size) / 3;
  const modelEpochSeconds =
    plan.provider === 'cpu' && Number.isFinite(epochFlops)
      ? epochFlops / rate +
        epochFloats / (ELEMENTWISE_PER_SECOND * speedup) +
        (Math.ceil(trainFiles / hp.batch_size) + validationSteps) * (STEP_OVERHEAD_SECONDS + shape.layers * STEP_OVERHEAD_SECONDS_PER_LAYER) +
        EPOCH_OVERHEAD_SECONDS
      : null;
  const time = timeRange();
  function timeRange(): { perEpoch: [number, number]; total: [number, number]; basis: RunEstimate['timeBasis'] } | null {
    if (measured?.basis === 'run') {
      // Whole runs timed: preparing, validation, checkpoints and testing are in the seconds per step.
      const [lo, hi] = measured.secondsPerStep;
      const [down, up] = measured.sameBatch ? MEASURED_SPREAD : OTHER_BATCH_SPREAD;
      const perEpoch: [number, number] = [stepsPerEpoch * lo * down, stepsPerEpoch * hi * up];
      return { perEpoch, total: [perEpoch[0] * hp.epochs, perEpoch[1] * hp.epochs], basis: 'measured' };
    }
    if (measured?.basis === 'throughput') {
      const [lo, hi] = measured.secondsPerStep;
      const [down, up] = THROUGHPUT_SPREAD;
      const steps = stepsPerEpoch + validationSteps / (filesPerStep / hp.batch_size);
      const perEpoch: [number, number] = [steps * lo * down, steps * hi * up];
      return { perEpoch, total: [perEpoch[0] * hp.epochs + FIXED_SECONDS * down, perEpoch[1] * hp.epochs + FIXED_SECONDS * up], basis: 'measured' };
    }
    if (modelEpochSeconds === null) return null;
    // Scaled by how much slower or faster than the model earlier runs of other models went here.
    const factor = machine?.factor ?? 1;
    const mid = modelEpochSeconds * factor;
    const fixed = FIXED_SECONDS * factor;
    const [down, up] = machine ? MACHINE_SPREAD : MODEL_SPREAD;
    return { perEpoch: [mid * down, mid * up], total: [(mid * hp.epochs + fixed) * down, (mid * hp.epochs + fixed) * up], basis: machine ? 'scaled' : 'model' };
  }
  const round = (r: [number, number]): [number, number] => [Math.max(1, Math.floor(r[0])), Math.max(1, Math.ceil(r[1]))];
  const perEpoch = time ? round(time.perEpoch) : null;
  const estimate: RunEstimate = {
    trainableParams, totalParams, memoryBytes, trainFiles, stepsPerEpoch,
    secondsPerEpoch: perEpoch ? Math.round(Math.sqrt(perEpoch[0] * perEpoch[1])) : null,
    secondsPerEpochRange: perEpoch,
    totalSecondsRange: time ? round(time.total) : null,
    timeBasis: time?.basis ?? null,
    measuredRuns: time?.basis === 'measured' ? (measured?.runs ?? 0) : time?.basis === 'scaled' ? (machine?.runs ?? 0) : 0,
    // float16 outputs of the typical file's tokens (prefix-cache.ts stores real tokens only).
    ...(cached ? { prefixCacheBytes: Math.round((trainFiles + Math.max(0, validationFiles)) * seq * hidden * 2) } : {}),
  };
  return { estimate, modelEpochSeconds };
}
