// Model family B: the companion guide's TransformerClassifier trained from scratch on byte tokens.
// Token embedding * sqrt(d_model) + sinusoidal positions, post-LN encoder layers (PyTorch's
// nn.TransformerEncoderLayer), masked mean pooling (optionally with a masked max beside it), Linear -> ReLU -> Dropout -> Linear head.
// Parameter names follow that PyTorch module's state_dict so checkpoints can be compared.
import type { Graph } from '../graph/graph.ts';
import type { Value } from '../graph/value.ts';
import { BYTE_VOCAB_SIZE } from '../tokenize/bytes.ts';
import { MAX_PROFILE_BUCKETS } from '../tokenize/file-profile.ts';
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
  /**
   * Hashed n-gram embeddings: rows of a second embedding table, 0 = none (folders and runs from
   * before it existed). Each byte position adds the rows of the n-grams ending there (orders
   * `ngram_orders`), hashed into this many buckets, to its byte embedding, so a keyword is one
   * feature at the first layer rather than something attention must assemble from single bytes.
   * The hashes are computed in the graph from the input ids: inference feeds the same two inputs.
   */
  ngram_buckets: number;
  /** The n-gram lengths hashed (each at least 2); empty when `ngram_buckets` is 0. */
  ngram_orders: number[];
  /**
   * The file profile (tokenize/file-profile.ts): buckets of the hashed 1- to 4-byte sequences in up
   * to `profile_bytes` at each end of the file, an input of its own (`file_profile`, float32
   * [batch, buckets]) projected to d_model and pooled beside the encoder's output. 0 = none (folders
   * and runs from before it existed).
   */
  profile_buckets: number;
  /** Bytes the profile reads at each end of the file; 0 when `profile_buckets` is 0. */
  profile_bytes: number;
}

/** Bytes a file profile reads at each end of a file: the span random training windows are drawn from. */
export const DEFAULT_PROFILE_BYTES = 4096;
/** The n-gram orders a run with hashed n-gram embeddings uses. */
export const DEFAULT_NGRAM_ORDERS: readonly number[] = [2, 3, 4];
/** Multiplier of the rolling n-gram hash (a prime, so the bytes of an n-gram mix). */
const NGRAM_HASH_PRIME = 1_000_003;
/** The id standing for "before the first byte" in an n-gram that starts before the window. */
const NGRAM_BEFORE_START = 259;

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
    ngram_buckets: o.ngram_buckets ?? 0,
    ngram_orders: o.ngram_buckets ? [...(o.ngram_orders ?? DEFAULT_NGRAM_ORDERS)] : [],
    profile_buckets: o.profile_buckets ?? 0,
    profile_bytes: o.profile_buckets ? (o.profile_bytes ?? DEFAULT_PROFILE_BYTES) : 0,
  };
  if (!Number.isInteger(c.profile_buckets) || c.profile_buckets < 0 || c.profile_buckets > MAX_PROFILE_BUCKETS) throw new Error(`profile_buckets ${c.profile_buckets} must be a whole number from 0 to ${MAX_PROFILE_BUCKETS}`);
  if (c.profile_buckets > 0 && !(Number.isInteger(c.profile_bytes) && c.profile_bytes > 0)) throw new Error(`profile_bytes ${c.profile_bytes} must be a positive whole number`);
  if (!Number.isInteger(c.ngram_buckets) || c.ngram_buckets < 0 || c.ngram_buckets > 1 << 22) throw new Error(`ngram_buckets ${c.ngram_buckets} must be a whole number from 0 to ${1 << 22}`);
  if (c.ngram_orders.some((n) => !Number.isInteger(n) || n < 2 || n > 8)) throw new Error(`ngram_orders [${c.ngram_orders.join(', ')}] must be whole numbers from 2 to 8`);
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
  if (c.ngram_buckets > 0) m.set('ngram_embedding.weight', [c.ngram_buckets, d]);
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
  if (c.profile_buckets > 0) m.set('profile.weight', [d, c.profile_buckets]);
  m.set('classifier.0.weight', [hidden, (c.pooling === 'mean_max' ? 2 * d : d) + (c.profile_buckets > 0 ? d : 0)]);
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
    // The n-gram rows a position sums start with the byte embedding's spread between them.
    else if (name === 'ngram_embedding.weight') data = normalInit(rng, n, scratchEmbeddingStd(c.d_model) / Math.sqrt(c.ngram_orders.length));
    // The profile's projection starts at zero: it adds nothing until training finds what it tells.
    else if (name === 'profile.weight') data = filled(n, 0);
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
  /**
   * Training on the CPU: the n-gram buckets come hashed from the host (`ngramSlots`), and the
   * n-gram table is a row parameter of which the step reads and updates only the rows the batch
   * uses (`index`: int64 [rows]; `slots`: int64 [batch, seq, orders], each an index into `index`).
   * Without it the graph hashes the ids itself and reads the whole table (evaluation, export, GPU).
   */
  sparseNgrams?: { index: Value; slots: Value };
}

/** Builds the forward graph up to the logits [batch, num_labels]. */
export function buildScratch(g: Graph, inputs: ModelInputs, spec: ScratchModelSpec, dropout: DropoutFn = noDropout): Value {
  const c = spec.config;
  const d = c.d_model;
  const trainable = !(spec.inference ?? false);
  // Registered before any scope so graph names equal the state_dict names.
  const values = new Map<string, Value>();
  for (const [name, t] of spec.weights) {
    if (name === 'ngram_embedding.weight' && spec.sparseNgrams) {
      values.set(name, g.rowParam(name, t.data, [t.shape[0], t.shape[1]], spec.sparseNgrams.index));
    } else if (t.shape.length === 2 && !isEmbeddingTable(name)) {
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
    const bytes = g.Gather(W('embedding.weight'), inputs.inputIds, { axis: 0 });
    const ngrams = c.ngram_buckets === 0 ? null
      : spec.sparseNgrams ? g.ReduceSum(g.Gather(W('ngram_embedding.weight'), spec.sparseNgrams.slots, { axis: 0 }), { axes: [2], keepdims: 0 })
        : ngramEmbeddings(g, inputs.inputIds, W('ngram_embedding.weight'), c);
    const tok = g.Mul(ngrams ? g.Add(bytes, ngrams) : bytes, Math.sqrt(d));
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
    const pooledParts = c.pooling === 'mean_max' ? [mean, g.ReduceMax(g.Add(x, g.Mul(g.Sub(m, 1), 1e4)), { axes: [1], keepdims: 0 })] : [mean];
    if (c.profile_buckets > 0) {
      if (!inputs.profile) throw new Error(`the model reads a file profile (profile_buckets ${c.profile_buckets}) but the graph has no file_profile input`);
      const profile = g.dtype === 'float32' ? inputs.profile : g.Cast(inputs.profile, { to: g.dtype });
      pooledParts.push(dropout(g, g.MatMul(profile, W('profile.weight')), c.dropout, 'profile'));
    }
    const pooled = pooledParts.length > 1 ? g.Concat(pooledParts, { axis: -1 }) : pooledParts[0];
    const h = dropout(g, g.Relu(lin(pooled, 'classifier.0.')), c.dropout, 'classifier_hidden');
    return lin(h, 'classifier.3.');
  });
}

/** Tables read by Gather keep their [rows, d] layout; every other 2-D weight is a Linear's, transposed. */
function isEmbeddingTable(name: string): boolean {
  return name === 'embedding.weight' || name === 'ngram_embedding.weight';
}

/**
 * The hashed n-gram embeddings of every position [batch, seq, d]: for each order n, the n-gram of
 * bytes ending at the position (positions before the window read as NGRAM_BEFORE_START) is hashed
 * with a rolling polynomial hash modulo the bucket count, all orders' rows are read with one Gather
 * and summed. All integer work, so it has no gradient; the one Gather's gradient is one scatter-add
 * into the table.
 */
export function ngramEmbeddings(g: Graph, ids: Value, table: Value, c: ScratchConfig): Value {
  const buckets = c.ngram_buckets;
  const before = g.Add(g.Mul(g.Slice(ids, { starts: [0], ends: [1], axes: [1] }), 0), NGRAM_BEFORE_START);
  // The value one position earlier; the first position gets `before`.
  const shifted = (h: Value) => g.Concat([before, g.Slice(h, { starts: [0], ends: [-1], axes: [1] })], { axis: 1 });
  // Non-negative operands, so integer Div truncates as floor does.
  const mod = (a: Value) => g.Sub(a, g.Mul(g.Div(a, buckets), buckets));
  const maxOrder = Math.max(...c.ngram_orders);
  const hashes: Value[] = [];
  let h = ids;
  for (let n = 2; n <= maxOrder; n++) {
    // h(n, i) = h(n-1, i-1) * P + id(i) + n, modulo the buckets: an n-gram and a shorter one land apart.
    h = mod(g.Add(g.Mul(shifted(h), NGRAM_HASH_PRIME), g.Add(ids, n)));
    if (c.ngram_orders.includes(n)) hashes.push(g.Unsqueeze(h, { axes: [2] }));
  }
  const all = hashes.length === 1 ? hashes[0] : g.Concat(hashes, { axis: 2 });
  return g.ReduceSum(g.Gather(table, all, { axis: 0 }), { axes: [2], keepdims: 0 });
}

/**
 * The host side of the sparse n-gram path: the same buckets `ngramEmbeddings` computes in the graph
 * for int64 ids [batch, seq], as the distinct buckets the batch uses (`index`, in first-use order)
 * and, for every position and order, which of them it reads (`slots` [batch, seq, orders]).
 */
export function ngramSlots(ids: BigInt64Array, batch: number, seq: number, c: ScratchConfig): { index: BigInt64Array; slots: BigInt64Array } {
  const orders = c.ngram_orders;
  const maxOrder = Math.max(...orders);
  const slots = new BigInt64Array(batch * seq * orders.length);
  // Bucket -> its slot, valid where its stamp is this call's (a stamp per call spares clearing the table).
  const slotOf = slotTable(c.ngram_buckets);
  const stamp = nextStamp();
  const index: number[] = [];
  const prev = new Float64Array(seq);
  const cur = new Float64Array(seq);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < seq; i++) prev[i] = Number(ids[b * seq + i]);
    for (let n = 2; n <= maxOrder; n++) {
      for (let i = 0; i < seq; i++) {
        const before = i > 0 ? prev[i - 1] : NGRAM_BEFORE_START;
        cur[i] = (before * NGRAM_HASH_PRIME + Number(ids[b * seq + i]) + n) % c.ngram_buckets;
      }
      prev.set(cur);
      const k = orders.indexOf(n);
      if (k < 0) continue;
      for (let i = 0; i < seq; i++) {
        const bucket = cur[i];
        if (slotOf.stamps[bucket] !== stamp) {
          slotOf.stamps[bucket] = stamp;
          slotOf.slots[bucket] = index.length;
          index.push(bucket);
        }
        slots[(b * seq + i) * orders.length + k] = BigInt(slotOf.slots[bucket]);
      }
    }
  }
  return { index: BigInt64Array.from(index, (r) => BigInt(r)), slots };
}

/** Per bucket count, which call last met each bucket and the slot it got then (reused across calls). */
const slotTables = new Map<number, { stamps: Int32Array; slots: Int32Array }>();
let stampCounter = 0;

function slotTable(buckets: number): { stamps: Int32Array; slots: Int32Array } {
  let t = slotTables.get(buckets);
  if (!t) slotTables.set(buckets, (t = { stamps: new Int32Array(buckets), slots: new Int32Array(buckets) }));
  return t;
}

function nextStamp(): number {
  stampCounter = stampCounter >= 0x7fffffff ? 1 : stampCounter + 1;
  if (stampCounter === 1) for (const t of slotTables.values()) t.stamps.fill(0);
  return stampCounter;
}

/** Converts trained graph parameters (graph layout) back to state_dict layout for checkpoints and export. */
export function scratchWeightsFromParams(params: ReadonlyMap<string, Float32Array>, c: ScratchConfig): ScratchWeights {
  const out: ScratchWeights = new Map();
  for (const [name, shape] of scratchShapes(c)) {
    const data = params.get(name);
    if (!data) throw new Error(`trained parameters lack "${name}"`);
    const tr = shape.length === 2 && !isEmbeddingTable(name);
    out.set(name, { shape, data: tr ? transpose2d(data, shape[1], shape[0]) : data });
  }
  return out;
}
