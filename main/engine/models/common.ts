// Pieces both model families share: how dropout is injected, parameter registration with the
// optimizer flags, and the attention block of a post-LN encoder layer.
import type { Graph } from '../graph/graph.ts';
import type { Value } from '../graph/value.ts';

/**
 * Applies dropout with rate `p` to `x`. The trainer supplies one that multiplies by a mask input
 * (graph/nn.ts `dropout`); inference and parity graphs use `noDropout`. `site` names the call site.
 */
export type DropoutFn = (g: Graph, x: Value, p: number, site: string) => Value;

/** Evaluation mode: dropout is the identity. */
export const noDropout: DropoutFn = (_g, x) => x;

/** The model inputs every family takes: int64 [batch, seq] token ids and attention mask (1 = token). */
export interface ModelInputs {
  inputIds: Value;
  attentionMask: Value;
  /** The from-scratch model's file profiles, float32 [batch, buckets], when it reads them. */
  profile?: Value;
}

/** Biases and LayerNorm weights are excluded from weight decay, as in the reference. */
export function decays(name: string): boolean {
  return !(name.endsWith('.bias') || /(LayerNorm|norm\d*)\.weight$/.test(name));
}

/** Registers a parameter under `name` (scoped), trainable or frozen, with the decay flag set. */
export function param(g: Graph, name: string, data: Float32Array, shape: number[], trainable: boolean): Value {
  return g.param(name, data, shape, { trainable, decay: decays(name) });
}

/** Row-major transpose of a [rows, cols] matrix (HF Linear weights are [out, in]; graphs use [in, out]). */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** Additive attention bias [batch, 1, 1, seq]: 0 where the mask is 1, a large negative number elsewhere. */
export function attentionBias(g: Graph, attentionMask: Value): Value {
  return g.scope('attn_bias', () => {
    const m = g.Cast(attentionMask, { to: g.dtype });
    return g.Unsqueeze(g.Mul(g.Sub(m, 1), 1e9), { axes: [1, 2] });
  });
}

/**
 * Multi-head self-attention over x [batch, seq, hidden] given projected q, k, v [batch, seq, hidden].
 * Returns the concatenated heads [batch, seq, hidden] before the output projection.
 */
export function attend(g: Graph, q: Value, k: Value, v: Value, bias: Value, heads: number, hidden: number,
  dropP: number, dropout: DropoutFn): Value {
  const dh = hidden / heads;
  const split = (x: Value, perm: number[]) => g.Transpose(g.Reshape(x, [0, 0, heads, dh]), { perm });
  // Scaling q (seq x dh) instead of the scores (seq x seq) is the same product for less work.
  const qh = split(g.Mul(q, 1 / Math.sqrt(dh)), [0, 2, 1, 3]);
  const kt = split(k, [0, 2, 3, 1]);
  const vh = split(v, [0, 2, 1, 3]);
  const scores = g.Add(g.MatMul(qh, kt), bias);
  const probs = g.Softmax(scores, { axis: -1 });
  const perHead = g.MatMul(dropout(g, probs, dropP, 'attention_probs'), vh);
  // The softmax backward may then reduce over the head width instead of the sequence.
  g.hintSoftmaxFeedsMatMul(probs, perHead);
  const ctx = g.Transpose(perHead, { perm: [0, 2, 1, 3] });
  return g.Reshape(ctx, [0, 0, hidden]);
}
