// Small training graphs of both model families and their batches, for the tests that compare two
// builds of the same model (the WebGPU graph against the CPU's, mixed precision against float32).
import * as ort from 'onnxruntime-node';
import { Graph, type Target } from '../../../main/engine/graph/graph.ts';
import { softmaxCrossEntropy } from '../../../main/engine/graph/nn.ts';
import { tinyRobertaConfig, tinyRobertaWeights } from '../../../main/engine/io/tiny-roberta.ts';
import { DropoutInputs } from '../../../main/engine/models/dropout-inputs.ts';
import { Rng } from '../../../main/engine/models/init.ts';
import { buildRoberta } from '../../../main/engine/models/roberta.ts';
import { buildScratch, initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { MaskGenerator } from '../../../main/engine/optim/dropout-mask.ts';
import { type TrainStepOptions, buildTrainStep } from '../../../main/engine/optim/train-step.ts';
import type { Feeds } from '../../../main/engine/runtime/train-step-runner.ts';

export type Family = 'scratch' | 'roberta';
export const SEQ = 16;
export const BATCH = 8;
const LABELS = 3;

export interface TinyOptions {
  target?: Target;
  /** RoBERTa: train everything (embeddings included) instead of the last layer and the head. */
  fullFineTune?: boolean;
  step?: Partial<TrainStepOptions>;
}

/** A from-scratch model (d_model 32, 2 layers) or a tiny RoBERTa, its loss and training step. */
export function tinyTrainGraph(family: Family, o: TinyOptions = {}) {
  const g = new Graph({ target: o.target ?? 'cpu' });
  const drop = new DropoutInputs();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  let logits;
  if (family === 'scratch') {
    const c = scratchConfig(LABELS, { d_model: 32, num_layers: 2, num_heads: 4, dim_feedforward: 64, max_length: SEQ, dropout: 0.1 });
    logits = buildScratch(g, { inputIds, attentionMask }, { config: c, weights: initScratchWeights(c, 3) }, drop.fn);
  } else {
    const rc = tinyRobertaConfig({ seed: 2, max_length: SEQ });
    const encoder = new Map([...tinyRobertaWeights(rc, { seed: 2 })].map(([k, t]) => [k.replace(/^roberta\./, ''), t.data as Float32Array]));
    logits = buildRoberta(g, { inputIds, attentionMask }, {
      config: rc, encoder, head: null, labels: ['a', 'b', 'c'], seed: 2,
      training: o.fullFineTune ? { freeze_base_model: false, unfreeze_last_n_layers: 0 } : { freeze_base_model: true, unfreeze_last_n_layers: 1 },
    }, drop.fn).logits;
  }
  const step = buildTrainStep(g, { loss: softmaxCrossEntropy(g, logits, g.input('labels', 'int64', ['batch'])), outputs: { logits }, ...o.step });
  return { g, step, drop, logits };
}

/** `n` seeded batches with their dropout masks (each batch owns its masks); labels follow the second token. */
export function tinyBatches(family: Family, drop: DropoutInputs, n: number): Feeds[] {
  const rng = new Rng(5);
  const gen = new MaskGenerator(9);
  const vocab = family === 'scratch' ? 256 : 290;
  return Array.from({ length: n }, () => {
    const ids = BigInt64Array.from({ length: BATCH * SEQ }, () => BigInt(4 + Math.floor(rng.next() * (vocab - 4))));
    const masks = Object.fromEntries(Object.entries(drop.masks(gen, { batch: BATCH, seq: SEQ }))
      .map(([k, t]) => [k, new ort.Tensor(t.type as 'bool' | 'uint8', (t.data as Uint8Array).slice(), t.dims)]));
    return {
      input_ids: new ort.Tensor('int64', ids, [BATCH, SEQ]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(BATCH * SEQ).fill(1n), [BATCH, SEQ]),
      labels: new ort.Tensor('int64', BigInt64Array.from({ length: BATCH }, (_, i) => ids[i * SEQ + 1] % BigInt(LABELS)), [BATCH]),
      ...masks,
    };
  });
}

/**
 * The same feeds for a graph built with `drop`: its masks in the element type that graph takes
 * (bool on the CPU graph, uint8 on the WebGPU one), the same 0/1 bytes.
 */
export function masksFor(feeds: Feeds, drop: DropoutInputs): Feeds {
  const out: Feeds = { ...feeds };
  for (const s of drop.sites) {
    const t = feeds[s.name] as ort.Tensor;
    out[s.name] = new ort.Tensor(s.dtype, t.data as Uint8Array, t.dims);
  }
  return out;
}
