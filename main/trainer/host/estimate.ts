// What the New Run form shows before a run starts: parameter counts, a memory estimate and a time
// per epoch. Counts are exact (from the shapes the model builders use); memory and time are rough
// models, good to a factor of about two, calibrated on the measurement in DESIGN.md.

import os from 'node:os';
import type { RunEstimate } from '../../../preload/contract.ts';
import type { Hyperparameters } from '../../../preload/hyperparameters.ts';
import { robertaEncoderShapes, robertaHeadShapes } from '../../engine/io/roberta-config.ts';
import { scratchShapes } from '../../engine/models/scratch.ts';
import { scratchConfigFor } from '../model.ts';
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
 * encoder layer (DESIGN.md: ~1,900 for 4 layers) at tens of microseconds each, which dominates for
 * small models.
 */
const STEP_OVERHEAD_SECONDS_PER_LAYER = 0.015;
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

/** Forward FLOPs of one token through one encoder layer at sequence length `seq`. */
function layerFlops(s: Shape, seq: number): number {
  return 2 * (4 * s.d * s.d + 2 * s.d * s.ffn) + 4 * seq * s.d;
}

/**
 * Parameter counts, memory and time per epoch for a checked run plan. `measuredSamplesPerSecond`
 * (from an earlier run of the same shape on this machine) is preferred to the FLOP model.
 */
export function estimateRun(plan: RunPlan, measuredSamplesPerSecond: number | null = null, cores = os.availableParallelism()): RunEstimate {
  const hp: Hyperparameters = plan.hyperparameters;
  const labels = plan.dataset.classes.filter((c) => c.files > 0).length;
  let totalParams: number;
  let trainableParams: number;
  let shape: Shape;
  let bytesPerToken = 1;
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
  } else {
    totalParams = count(scratchShapes(scratchConfigFor(hp, labels)));
    trainableParams = totalParams;
    shape = { layers: hp.num_layers, d: hp.d_model, ffn: hp.dim_feedforward, heads: hp.num_heads, trainableLayers: hp.num_layers };
  }

  // Peak memory: weights, AdamW state and gradients (and the runtime's copies of new weights), plus
  // the activations the backward pass keeps for the longest batch.
  const L = hp.max_length;
  const microBatch = hp.batch_size;
  const activationFloats = microBatch * L * shape.layers * (10 * shape.d + 2 * shape.ffn + 3 * shape.heads * L);
  const memoryBytes = Math.round(BASE_BYTES + 4 * totalParams + 4 * 6 * trainableParams + 4 * activationFloats);

  const trainFiles = Math.max(0, trainFileCount(plan.dataset, hp));
  const stepsPerEpoch = Math.ceil(trainFiles / (hp.batch_size * hp.gradient_accumulation_steps));

  // Batches are bucketed by length, so the typical file's length, not max_length, sets the cost.
  const files = plan.dataset.classes.reduce((n, c) => n + c.files, 0);
  const bytes = plan.dataset.classes.reduce((n, c) => n + c.bytes, 0);
  const seq = Math.max(8, Math.min(L, files > 0 ? bytes / files / bytesPerToken : L));
  const frozen = shape.layers - shape.trainableLayers;
  const perTokenTrain = layerFlops(shape, seq) * (frozen + 3 * shape.trainableLayers);
  const perTokenEval = layerFlops(shape, seq) * shape.layers;
  const validationFiles = plan.dataset.splits.validation > 0 ? plan.dataset.splits.validation : plan.dataset.splits.train - trainFiles;
  const epochFlops = trainFiles * seq * perTokenTrain + validationFiles * seq * perTokenEval;
  const rate = REFERENCE_FLOPS_PER_SECOND * Math.pow(Math.max(1, cores) / REFERENCE_CORES, 0.8);
  let secondsPerEpoch: number | null;
  if (measuredSamplesPerSecond !== null && measuredSamplesPerSecond > 0) {
    // A validation sample costs about a third of a training one (forward only).
    secondsPerEpoch = Math.round((trainFiles + validationFiles / 3) / measuredSamplesPerSecond);
  } else if (plan.provider === 'cpu' && Number.isFinite(epochFlops)) {
    const batches = Math.ceil(trainFiles / hp.batch_size) + Math.ceil(validationFiles / hp.batch_size) / 3;
    secondsPerEpoch = Math.max(1, Math.round(epochFlops / rate + batches * shape.layers * STEP_OVERHEAD_SECONDS_PER_LAYER));
  } else secondsPerEpoch = null;

  return { trainableParams, totalParams, memoryBytes, trainFiles, stepsPerEpoch, secondsPerEpoch };
}
