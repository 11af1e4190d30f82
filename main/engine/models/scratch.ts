// Model family B: the companion guide's TransformerClassifier trained from scratch on byte tokens.
// Token embedding * sqrt(d_model) + sinusoidal positions, post-LN encoder layers (PyTorch's
// nn.TransformerEncoderLayer), masked mean pooling (optionally with a masked max beside it), Linear -> ReLU -> Dropout -> Linear head.
// Parameter names follow that PyTorch module's state_dict so checkpoints can be compared.
import type { Graph } from '../graph/graph.ts';
import type { Value } from '../graph/value.ts';
import { BYTE_VOCAB_SIZE } from '../tokenize/bytes.ts';
import { type DropoutFn, type ModelInputs, attend, attentionBias, noDropout, param, transpose2d } from './common.ts';
import { Rng, filled, normalInit, xavierUniform } from './init.ts';

/** Every size of the model is a hyperparameter; defaults are the benchmark's "from scratch" size. */
export interface ScratchConfig {
  vocab_size: number;
  d_model: number;
  num_layers: number;
  num_heads: number;
  /** FFN width; the guide uses 4 x d_model. */
  dim_feedforward: number;
  dropout: number;
  /** Dropout on attention probabilities (default: `dropout`, as PyTorch's encoder layer does). */
  attention_dropout: number;
  max_length: number;
  activation: 'relu' | 'gelu';
  layer_norm_eps: number;
  num_labels: number;
  /**
   * How the encoder's outputs become one vector: 'mean' (the guide's masked mean) or 'mean_max' (the
   * masked mean and the masked maximum of each feature, concatenated: a few telling bytes are not
   * averaged away). Folders and runs from before it existed are 'mean'.
   */
  pooling: ScratchPooling;
}

export const SCRATCH_POOLINGS = ['mean', 'mean_max'] as const;
export type ScratchPooling = (typeof SCRATCH_POOLINGS)[number];

/** Defaults (d_model 256, 4 layers, 4 heads, FFN 4x, dropout 0.1, max_length 256). */
export function scratchConfig(numLabels: number, o: Partial<ScratchConfig> = {}): ScratchConfig {
  const d = o.d_model ?? 256;
  const c: ScratchConfig = {
    vocab_size: o.vocab_size ?? BYTE_VOCAB_SIZE,
    d_model: d,
    num_layers: o.num_layers ?? 4,
    num_heads: o.num_heads ?? 4,
    dim_feedforward: o.dim_feedforward ?? 4 * d,
    dropout: o.dropout ?? 0.1,
    attention_dropout: o.attention_dropout ?? o.dropout ?? 0.1,
    max_length: o.max_length ?? 256,
    activation: o.activation ?? 'relu',
    layer_norm_eps: o.layer_norm_eps ?? 1e-5,
    num_labels: numLabels,
    pooling: o.pooling ?? 'mean',
  };
  if (c.d_model % c.num_heads !== 0) throw new Error(`d_model ${c.d_model} is not divisible by num_heads ${c.num_heads}`);
  if (c.d_model % 2 !== 0) throw new Error(`d_model ${c.d_model} must be even for sinusoidal positions`);
  return c;
}

/** Parameter tensors in PyTorch layout ([out, in] for Linear weights), keyed by state_dict name. */
export type ScratchWeights = Map<string, { shape: number[]; data: Float32Array }>;

/** Shapes of every parameter, in state_dict order. */
export function scratchShapes(c: ScratchConfig): Map<string, number[]> {
  const d = c.d_model;
  const f = c.dim_feedforward;
  const m = new Map<string, number[]>([['embedding.weight', [c.vocab_size, d]]]);
  for (let i = 0; i < c.num_layers; i++) {
    const p = `transformer_encoder.layers.${i}.`;
    m.set(`${p}self_attn.in_proj_weight`, [3 * d, d]);
    m.set(`${p}self_attn.in_proj_bias`, [3 * d]);
    m.set(`${p}self_attn.out_proj.weight`, [d, d]);
    m.set(`${p}self_attn.out_proj.bias`, [d]);
    m.set(`${p}linear1.weight`, [f, d]);
    m.set(`${p}linear1.bias`, [f]);
    m.set(`${p}linear2.weight`, [d, f]);
    m.set(`${p}linear2.bias`, [d]);
    m.set(`${p}norm1.weight`, [d]);
    m.set(`${p}norm1.bias`, [d]);
    m.set(`${p}norm2.weight`, [d]);
    m.set(`${p}norm2.bias`, [d]);
  }
  const hidden = Math.max(1, Math.floor(d / 2));
  m.set('classifier.0.weight', [hidden, c.pooling === 'mean_max' ? 2 * d : d]);
  m.set('classifier.0.bias', [hidden]);
  m.set('classifier.3.weight', [c.num_labels, hidden]);
  m.set('classifier.3.bias', [c.num_labels]);
  return m;
}

/**
 * The token embedding's initial standard deviation: 2 / sqrt(d_model), so the embedding scaled by
 * sqrt(d_model) starts at a standard deviation of 2, above the sinusoidal positions' 0.71. The
 * guide's N(0, 0.02) leaves the tokens at a third of the positions at d_model 128 (0.23): every
 * file then looks alike to the pooled classifier, and training sat at chance for hundreds of steps
 * (for two whole epochs with dropout 0.2) before it found the bytes.
 */
export function scratchEmbeddingStd(dModel: number): number {
  return 2 / Math.sqrt(dModel);
}

/** Fresh weights: Xavier-uniform for Linear weights, N(0, scratchEmbeddingStd) for the embedding, zero biases, unit norms. */
export function initScratchWeights(c: ScratchConfig, seed: number): ScratchWeights {
  const rng = new Rng(seed);
  const out: ScratchWeights = new Map();
  for (const [name, shape] of scratchShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name === 'embedding.weight') data = normalInit(rng, n, scratchEmbeddingStd(c.d_model));
    else if (/norm\d\.weight$/.test(name)) data = filled(n, 1);
    else if (shape.length === 2) data = xavierUniform(rng, shape[1], shape[0]);
    else data = filled(n, 0);
    out.set(name, { shape, data });
  }
  return out;
}

/** The fixed sinusoidal table [max_length, d_model] (sin on even, cos on odd features). */
export function sinusoidalTable(maxLength: number, d: number): Float32Array {
  const pe = new Float32Array(maxLength * d);
  for (let pos = 0; pos < maxLength; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos * Math.exp((-i * Math.log(10000)) / d);
      pe[pos * d + i] = Math.sin(angle);
      pe[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}

/** Builder options: which weights, and whether they train. */
export interface ScratchModelSpec {
  config: ScratchConfig;
  weights: ScratchWeights;
  /** Every parameter becomes a stored constant (export, evaluation). */
  inference?: boolean;
}

/** Builds the forward graph up to the logits [batch, num_labels]. */
export function buildScratch(g: Graph, inputs: ModelInputs, spec: ScratchModelSpec, dropout: DropoutFn = noDropout): Value {
  const c = spec.config;
  const d = c.d_model;
  const trainable = !(spec.inference ?? false);
  // Registered before any scope so graph names equal the state_dict names.
  const values = new Map<string, Value>();
  for (const [name, t] of spec.weights) {
    if (t.shape.length === 2 && name !== 'embedding.weight') {
      const [out, inn] = t.shape;
      values.set(name, param(g, name, transpose2d(t.data, out, inn), [inn, out], trainable));
    } else {
      values.set(name, param(g, name, t.data, t.shape, trainable));
    }
  }
  const W = (name: string): Value => {
    const v = values.get(name);
    if (!v) throw new Error(`scratch model weights lack "${name}"`);
    return v;
  };
  const lin = (x: Value, prefix: string, w = 'weight', b = 'bias') => g.Add(g.MatMul(x, W(`${prefix}${w}`)), W(`${prefix}${b}`));

  const x0 = g.scope('embed', () => {
    const tok = g.Mul(g.Gather(W('embedding.weight'), inputs.inputIds, { axis: 0 }), Math.sqrt(d));
    // Positions 0..seq-1 from a cumulative sum of ones, so the sequence length can vary per batch.
    const ones = g.Add(g.Mul(inputs.inputIds, 0), 1);
    const positions = g.Sub(g.CumSum(ones, 1), 1);
    const pe = g.Gather(g.initializer('positional_encoding', sinusoidalTable(c.max_length, d), [c.max_length, d]), positions, { axis: 0 });
    return dropout(g, g.Add(tok, pe), c.dropout, 'embeddings');
  });
  const bias = attentionBias(g, inputs.attentionMask);
  let x = x0;
  for (let i = 0; i < c.num_layers; i++) {
    const p = `transformer_encoder.layers.${i}.`;
    x = g.scope(`transformer_encoder.layers.${i}`, () => {
      // In training, q, k and v each from a slice of the packed in-projection (PyTorch's layout): the
      // backward then adds three [batch, seq, d] input gradients instead of padding three to [batch, seq, 3d].
      const inW = W(`${p}self_attn.in_proj_weight`);
      const inB = W(`${p}self_attn.in_proj_bias`);
      // Inference has no backward: one MatMul by the packed [d, 3d] weight (one int8 MatMul once
      // quantized) computes q, k and v together, then each is sliced from its output.
      const packed = trainable ? null : g.Add(g.MatMul(x, inW), inB);
      const part = (k: number) => packed
        ? g.Slice(packed, { starts: [k * d], ends: [(k + 1) * d], axes: [2] })
        : g.Add(g.MatMul(x, g.Slice(inW, { starts: [k * d], ends: [(k + 1) * d], axes: [1] })),
          g.Slice(inB, { starts: [k * d], ends: [(k + 1) * d], axes: [0] }));
      const ctx = g.scope('self_attn', () => attend(g, part(0), part(1), part(2), bias, c.num_heads, d, c.attention_dropout, dropout));
      const sa = dropout(g, lin(ctx, `${p}self_attn.out_proj.`), c.dropout, 'attention_output');
      const h1 = g.LayerNormalization(g.Add(x, sa), W(`${p}norm1.weight`), W(`${p}norm1.bias`), { epsilon: c.layer_norm_eps });
      const inner = lin(h1, `${p}linear1.`);
      const act = c.activation === 'gelu' ? g.Gelu(inner, { approximate: 'none' }) : g.Relu(inner);
      const ff = dropout(g, lin(dropout(g, act, c.dropout, 'ffn_hidden'), `${p}linear2.`), c.dropout, 'ffn_output');
      return g.LayerNormalization(g.Add(h1, ff), W(`${p}norm2.weight`), W(`${p}norm2.bias`), { epsilon: c.layer_norm_eps });
    });
  }
  return g.scope('classifier', () => {
    const m = g.Unsqueeze(g.Cast(inputs.attentionMask, { to: g.dtype }), { axes: [-1] });
    const summed = g.ReduceSum(g.Mul(x, m), { axes: [1], keepdims: 0 });
    const count = g.Max(g.ReduceSum(m, { axes: [1], keepdims: 0 }), 1e-9);
    const mean = g.Div(summed, count);
    // Padding is pushed far below any LayerNorm output before the maximum, so it never wins.
    const pooled = c.pooling === 'mean_max'
      ? g.Concat([mean, g.ReduceMax(g.Add(x, g.Mul(g.Sub(m, 1), 1e4)), { axes: [1], keepdims: 0 })], { axis: -1 })
      : mean;
    const h = dropout(g, g.Relu(lin(pooled, 'classifier.0.')), c.dropout, 'classifier_hidden');
    return lin(h, 'classifier.3.');
  });
}

/** Converts trained graph parameters (graph layout) back to state_dict layout for checkpoints and export. */
export function scratchWeightsFromParams(params: ReadonlyMap<string, Float32Array>, c: ScratchConfig): ScratchWeights {
  const out: ScratchWeights = new Map();
  for (const [name, shape] of scratchShapes(c)) {
    const data = params.get(name);
    if (!data) throw new Error(`trained parameters lack "${name}"`);
    const tr = shape.length === 2 && name !== 'embedding.weight';
    out.set(name, { shape, data: tr ? transpose2d(data, shape[1], shape[0]) : data });
  }
  return out;
}
