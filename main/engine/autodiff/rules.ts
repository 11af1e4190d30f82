import type { Graph } from '../graph/graph.ts';
import type { OpType } from '../graph/ops.ts';
import { normAxis } from '../graph/shape.ts';
import { type Node, type Value, dependsOn } from '../graph/value.ts';
import { isFloat } from '../graph/dtype.ts';
import { shapeTensor, sumToShape, zerosLike } from './shape-helpers.ts';

/** What a rule receives: the graph to emit into, the forward node, upstream gradients, needed inputs. */
export interface GradContext {
  readonly g: Graph;
  readonly node: Node;
  /** Upstream gradient per forward output (null where nothing flows back through that output). */
  readonly dy: readonly (Value | null)[];
  /** Which inputs need a gradient; rules skip building the others. */
  readonly needs: readonly boolean[];
  /** The complete gradient of a value computed after this node (null if none flows to it). */
  readonly gradOf: (v: Value) => Value | null;
  /** How many nodes on the loss path read `v`. */
  readonly readers: (v: Value) => number;
}

/** One gradient per forward input (null: none needed, or not differentiable). */
export type GradRule = (ctx: GradContext) => (Value | null)[];

const none: GradRule = ({ node }) => node.inputs.map(() => null);

/** Quantized ops appear only in exported inference graphs (graph/quantize.ts); training never sees them. */
const inferenceOnly: GradRule = ({ node }) => {
  throw new Error(`${node.name}: ${node.op} is inference-only (int8 export); it has no gradient`);
};

/** Whether y and each product between it and MatMul `out`'s left input have exactly one reader. */
function onlyReadAlongChain(y: Value, out: Value, readers: (v: Value) => number): boolean {
  let cur = out.producer?.inputs[0] ?? null;
  while (cur) {
    if (readers(cur) !== 1) return false;
    if (cur === y) return true;
    const p = cur.producer;
    if (!p || (p.op !== 'Mul' && p.op !== 'Where')) return false;
    // Where(keep, x, 0) is x times its mask; the hint checked the 0.
    const [a, b] = p.op === 'Where' ? [p.inputs[1], p.inputs[0]] : p.inputs;
    // The operand on y's side is the one whose chain continues; Graph.hintSoftmaxFeedsMatMul checked there is one.
    cur = a && dependsOn(a, y) ? a : b && dependsOn(b, y) ? b : null;
  }
  return false;
}

function inp(node: Node, i: number): Value {
  const v = node.inputs[i];
  if (!v) throw new Error(`${node.name}: input ${i} is missing`);
  return v;
}

function dy0(ctx: GradContext): Value {
  const d = ctx.dy[0];
  if (!d) throw new Error(`${ctx.node.name}: no upstream gradient`);
  return d;
}

function axesOf(g: Graph, node: Node, i: number): number[] {
  const axes = g.constValues(node.inputs[i] ?? null);
  if (!axes) throw new Error(`${node.name}: axes must be constants to differentiate`);
  return axes;
}

/** Elementwise unary rule from dx = dy * f'(x, y). */
function unary(deriv: (g: Graph, x: Value, y: Value, dy: Value) => Value): GradRule {
  return (ctx) => [ctx.needs[0] ? deriv(ctx.g, inp(ctx.node, 0), ctx.node.outputs[0], dy0(ctx)) : null];
}

/** Binary broadcast rule: partial products, then summed back to each input's shape. */
function binary(da: ((g: Graph, a: Value, b: Value, y: Value, dy: Value) => Value) | null, db: ((g: Graph, a: Value, b: Value, y: Value, dy: Value) => Value) | null): GradRule {
  return ({ g, node, dy, needs }) => {
    const a = inp(node, 0);
    const b = inp(node, 1);
    const y = node.outputs[0];
    const d = dy[0]!;
    return [
      needs[0] && da ? sumToShape(g, da(g, a, b, y, d), a) : null,
      needs[1] && db ? sumToShape(g, db(g, a, b, y, d), b) : null,
    ];
  };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function matmulGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  const a = inp(node, 0);
  const b = inp(node, 1);
  const d = dy[0]!;
  const swap = (x: Value) => {
    const r = x.rank;
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return g.Transpose(x, { perm });
  };
  let da: Value | null = null;
  let db: Value | null = null;
  if (b.rank === 2 && a.rank > 2) {
    // Weight shared over the batch: dW = A2^T @ dY2 over flattened rows, one Gemm instead of a batch sum.
    if (needs[0]) da = g.MatMul(d, g.Transpose(b, { perm: [1, 0] }));
    if (needs[1]) {
      const k = a.knownShape[a.rank - 1];
      const n = d.knownShape[d.rank - 1];
      if (typeof k !== 'number' || typeof n !== 'number') throw new Error(`${node.name}: inner dims must be static`);
      db = g.Gemm(g.Reshape(a, [-1, k]), g.Reshape(d, [-1, n]), null, { transA: 1 });
    }
    return [da, db];
  }
  if (needs[0]) da = sumToShape(g, g.MatMul(d, swap(b)), a);
  if (needs[1]) db = sumToShape(g, g.MatMul(swap(a), d), b);
  return [da, db];
}

function gemmGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  const a = inp(node, 0);
  const b = inp(node, 1);
  const c = node.inputs[2] ?? null;
  const d = dy[0]!;
  const alpha = Number(node.attrs.alpha ?? 1);
  const beta = Number(node.attrs.beta ?? 1);
  const tA = Number(node.attrs.transA ?? 0) as 0 | 1;
  const tB = Number(node.attrs.transB ?? 0) as 0 | 1;
  const flip = (t: 0 | 1): 0 | 1 => (t ? 0 : 1);
  const da = !needs[0] ? null : tA === 0 ? g.Gemm(d, b, null, { alpha, transB: flip(tB) }) : g.Gemm(b, d, null, { alpha, transA: tB, transB: 1 });
  const db = !needs[1] ? null : tB === 0 ? g.Gemm(a, d, null, { alpha, transA: flip(tA) }) : g.Gemm(d, a, null, { alpha, transA: 1, transB: tA });
  const dc = needs[2] && c ? sumToShape(g, beta === 1 ? d : g.Mul(d, beta), c) : null;
  return [da, db, dc];
}

function reduceGrad(mean: boolean): GradRule {
  return ({ g, node, dy, needs }) => {
    if (!needs[0]) return [null, null];
    const x = inp(node, 0);
    const axes = axesOf(g, node, 1).map((a) => normAxis(a, x.rank, node.name));
    let d = dy[0]!;
    if (!Number(node.attrs.keepdims ?? 1)) d = g.Unsqueeze(d, { axes });
    if (mean) {
      const dims = axes.map((a) => x.knownShape[a]);
      if (dims.every((v) => typeof v === 'number')) {
        d = g.Mul(d, 1 / (dims as number[]).reduce((p, q) => p * q, 1));
      } else {
        const sizes = g.Cast(g.Gather(g.Shape(x), g.ints(axes)), { to: x.dtype });
        d = g.Div(d, g.Exp(g.ReduceSum(g.Log(sizes), { axes: [0], keepdims: 0 })));
      }
    }
    return [g.Expand(d, shapeTensor(g, x), x.knownShape), null];
  };
}

/** d/dx max(x) over axes: dy at the maxima, shared evenly among ties (torch.amax's rule). */
const reduceMaxGrad: GradRule = ({ g, node, dy, needs }) => {
  if (!needs[0]) return [null, null];
  const x = inp(node, 0);
  const axes = axesOf(g, node, 1).map((a) => normAxis(a, x.rank, node.name));
  const keep = Number(node.attrs.keepdims ?? 1);
  const y = keep ? node.outputs[0] : g.Unsqueeze(node.outputs[0], { axes });
  const d = keep ? dy[0]! : g.Unsqueeze(dy[0]!, { axes });
  const hit = g.Cast(g.Equal(x, y), { to: x.dtype });
  return [g.Mul(hit, g.Div(d, g.ReduceSum(hit, { axes, keepdims: 1 }))), null];
};

function layerNormGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  const x = inp(node, 0);
  const scale = inp(node, 1);
  const bias = node.inputs[2] ?? null;
  const d = dy[0]!;
  const [, mean, invStd] = node.outputs;
  const xhat = g.Mul(g.Sub(x, mean), invStd);
  let dx: Value | null = null;
  if (needs[0]) {
    const dxhat = g.Mul(d, scale);
    const m1 = g.ReduceMean(dxhat, { axes: [-1], keepdims: 1 });
    const m2 = g.ReduceMean(g.Mul(dxhat, xhat), { axes: [-1], keepdims: 1 });
    dx = g.Mul(g.Sub(g.Sub(dxhat, m1), g.Mul(xhat, m2)), invStd);
  }
  const dscale = needs[1] ? sumToShape(g, g.Mul(d, xhat), scale) : null;
  const dbias = needs[2] && bias ? sumToShape(g, d, bias) : null;
  return [dx, dscale, dbias];
}

function sliceGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  const out: (Value | null)[] = node.inputs.map(() => null);
  if (!needs[0]) return out;
  const x = inp(node, 0);
  const d = dy[0]!;
  const r = x.rank;
  const starts = axesOf(g, node, 1);
  const axes = axesOf(g, node, 3).map((a) => normAxis(a, r, node.name));
  const steps = axesOf(g, node, 4);
  if (steps.some((s) => s !== 1)) throw new Error(`${node.name}: only step 1 slices are differentiable`);
  const begin = new Array<number>(r).fill(0);
  axes.forEach((ax, i) => {
    const dim = x.knownShape[ax];
    let s = starts[i];
    if (s < 0) {
      if (typeof dim !== 'number') throw new Error(`${node.name}: negative start on a symbolic axis is not differentiable`);
      s += dim;
    }
    begin[ax] = typeof dim === 'number' ? Math.min(Math.max(s, 0), dim) : s;
  });
  const xs = x.knownShape;
  const ds = d.knownShape;
  if ([...xs, ...ds].every((v) => typeof v === 'number')) {
    const end = xs.map((v, i) => (v as number) - (ds[i] as number) - begin[i]);
    out[0] = g.Pad(d, [...begin, ...end]);
  } else {
    const beginV = g.ints(begin);
    const endV = g.Sub(g.Sub(g.Shape(x), g.Shape(d)), beginV);
    out[0] = g.PadTo(d, g.Concat([beginV, endV], { axis: 0 }), xs);
  }
  return out;
}

function padGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  const out: (Value | null)[] = node.inputs.map(() => null);
  if (!needs[0]) return out;
  const x = inp(node, 0);
  const pads = axesOf(g, node, 1);
  const r = x.rank;
  if (pads.some((p) => p < 0)) throw new Error(`${node.name}: negative pads are not differentiable`);
  const axes = [...Array(r).keys()];
  out[0] = g.Slice(dy[0]!, {
    starts: axes.map((i) => pads[i]),
    ends: axes.map((i) => (pads[i + r] > 0 ? -pads[i + r] : 2 ** 53)),
    axes,
  });
  return out;
}

function concatGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  const d = dy[0]!;
  const axis = normAxis(Number(node.attrs.axis), d.rank, node.name);
  let offset = 0;
  return node.inputs.map((x, i) => {
    const len = x!.knownShape[axis];
    if (typeof len !== 'number') throw new Error(`${node.name}: concatenated sizes must be static to differentiate`);
    const start = offset;
    offset += len;
    return needs[i] ? g.Slice(d, { starts: [start], ends: [start + len], axes: [axis] }) : null;
  });
}

function gatherGrad({ g, node, dy, needs }: GradContext): (Value | null)[] {
  if (!needs[0]) return [null, null];
  if (Number(node.attrs.axis ?? 0) !== 0) throw new Error(`${node.name}: only Gather on axis 0 is differentiable`);
  const data = inp(node, 0);
  const idx = g.Unsqueeze(inp(node, 1), { axes: [-1] });
  return [g.ScatterND(zerosLike(g, data), idx, dy[0]!, { reduction: 'add' }), null];
}

/**
 * The gradient rule of every op. The mapped type over OpType makes a missing rule a compile error.
 * Comparison, shape and boolean ops have no gradient.
 */
export const GRAD_RULES: { readonly [K in OpType]: GradRule } = {
  Add: binary((_g, _a, _b, _y, d) => d, (_g, _a, _b, _y, d) => d),
  Sub: binary((_g, _a, _b, _y, d) => d, (g, _a, _b, _y, d) => g.Neg(d)),
  Mul: binary((g, _a, b, _y, d) => g.Mul(d, b), (g, a, _b, _y, d) => g.Mul(d, a)),
  Div: binary((g, _a, b, _y, d) => g.Div(d, b), (g, _a, b, y, d) => g.Neg(g.Div(g.Mul(d, y), b))),
  Pow: binary(
    (g, a, b, _y, d) => g.Mul(g.Mul(d, b), g.Pow(a, g.Sub(b, 1))),
    (g, a, _b, y, d) => g.Mul(g.Mul(d, y), g.Log(a)),
  ),
  Max: binary(
    (g, a, b, _y, d) => g.Where(g.Less(a, b), 0, d),
    (g, a, b, _y, d) => g.Where(g.Less(a, b), d, 0),
  ),
  Min: binary(
    (g, a, b, _y, d) => g.Where(g.Greater(a, b), 0, d),
    (g, a, b, _y, d) => g.Where(g.Greater(a, b), d, 0),
  ),
  Neg: unary((g, _x, _y, d) => g.Neg(d)),
  Abs: unary((g, x, _y, d) => g.Where(g.Less(x, 0), g.Neg(d), d)),
  Sqrt: unary((g, _x, y, d) => g.Div(g.Mul(d, 0.5), y)),
  Exp: unary((g, _x, y, d) => g.Mul(d, y)),
  Log: unary((g, x, _y, d) => g.Div(d, x)),
  Tanh: unary((g, _x, y, d) => g.Mul(d, g.Sub(1, g.Mul(y, y)))),
  Sigmoid: unary((g, _x, y, d) => g.Mul(d, g.Mul(y, g.Sub(1, y)))),
  Relu: unary((g, x, _y, d) => g.Where(g.Greater(x, 0), d, 0)),
  Erf: unary((g, x, _y, d) => g.Mul(d, g.Mul(g.Exp(g.Neg(g.Mul(x, x))), 2 / Math.sqrt(Math.PI)))),
  Gelu: ({ g, node, dy, needs }) => {
    if (!needs[0]) return [null];
    const x = inp(node, 0);
    const d = dy[0]!;
    if (node.attrs.approximate === 'tanh') {
      const x2 = g.Mul(x, x);
      const t = g.Tanh(g.Mul(g.Mul(x, g.Add(g.Mul(x2, 0.044715), 1)), SQRT_2_OVER_PI));
      const dt = g.Mul(g.Mul(g.Sub(1, g.Mul(t, t)), g.Add(g.Mul(x2, 3 * 0.044715), 1)), SQRT_2_OVER_PI);
      return [g.Mul(d, g.Mul(g.Add(g.Add(t, 1), g.Mul(x, dt)), 0.5))];
    }
    const cdf = g.Mul(g.Add(g.Erf(g.Mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = g.Mul(g.Exp(g.Mul(g.Mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return [g.Mul(d, g.Add(cdf, g.Mul(x, pdf)))];
  },
  Identity: unary((_g, _x, _y, d) => d),
  Cast: ({ g, node, dy, needs }) => {
    const x = inp(node, 0);
    if (!needs[0] || !isFloat(x.dtype) || !isFloat(node.outputs[0].dtype)) return [null];
    return [g.Cast(dy[0]!, { to: x.dtype })];
  },
  CumSum: ({ g, node, dy, needs }) => {
    if (!needs[0]) return [null, null];
    const axis = axesOf(g, node, 1)[0];
    const exclusive = Number(node.attrs.exclusive ?? 0) as 0 | 1;
    const reverse = Number(node.attrs.reverse ?? 0) ? 0 : 1;
    return [g.CumSum(dy[0]!, axis, { exclusive, reverse }), null];
  },
  MatMul: matmulGrad,
  Gemm: gemmGrad,
  Softmax: ({ g, node, dy, needs, gradOf, readers }) => {
    if (!needs[0]) return [null];
    const y = node.outputs[0];
    const d = dy[0]!;
    const axis = Number(node.attrs.axis ?? -1);
    // Attention (Graph.hintSoftmaxFeedsMatMul): Σ_j dy·y = Σ_k d(out)·out, a reduction over the
    // head width instead of the sequence. Only while every value from y to the MatMul has one reader.
    const out = node.gradHint?.softmaxFeedsMatMul;
    const dOut = out && onlyReadAlongChain(y, out, readers) ? gradOf(out) : null;
    const rowDot = dOut
      ? g.ReduceSum(g.Mul(dOut, out!), { axes: [-1], keepdims: 1 })
      : g.ReduceSum(g.Mul(d, y), { axes: [axis], keepdims: 1 });
    return [g.Mul(y, g.Sub(d, rowDot))];
  },
  LogSoftmax: ({ g, node, dy, needs }) => {
    if (!needs[0]) return [null];
    const y = node.outputs[0];
    const d = dy[0]!;
    const axis = Number(node.attrs.axis ?? -1);
    return [g.Sub(d, g.Mul(g.Exp(y), g.ReduceSum(d, { axes: [axis], keepdims: 1 })))];
  },
  LayerNormalization: layerNormGrad,
  Gather: gatherGrad,
  GatherND: ({ g, node, dy, needs }) => [
    needs[0] ? g.ScatterND(zerosLike(g, inp(node, 0)), inp(node, 1), dy[0]!, { reduction: 'add' }) : null,
    null,
  ],
  ScatterND: ({ g, node, dy, needs }) => {
    const idx = inp(node, 1);
    const d = dy[0]!;
    const add = node.attrs.reduction === 'add';
    const dData = !needs[0] ? null : add ? d : g.ScatterND(d, idx, zerosLike(g, inp(node, 2)));
    return [dData, null, needs[2] ? g.GatherND(d, idx) : null];
  },
  Reshape: ({ g, node, dy, needs }) => {
    if (!needs[0]) return [null, null];
    const x = inp(node, 0);
    return [g.Reshape(dy[0]!, shapeTensor(g, x), x.knownShape), null];
  },
  Transpose: ({ g, node, dy, needs }) => {
    if (!needs[0]) return [null];
    const perm = node.attrs.perm as readonly number[];
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [g.Transpose(dy[0]!, { perm: inv })];
  },
  Unsqueeze: ({ g, node, dy, needs }) => [needs[0] ? g.Squeeze(dy[0]!, { axes: axesOf(g, node, 1) }) : null, null],
  Squeeze: ({ g, node, dy, needs }) => [needs[0] ? g.Unsqueeze(dy[0]!, { axes: axesOf(g, node, 1) }) : null, null],
  Expand: ({ g, node, dy, needs }) => [needs[0] ? sumToShape(g, dy[0]!, inp(node, 0)) : null, null],
  ReduceSum: reduceGrad(false),
  ReduceMean: reduceGrad(true),
  ReduceMax: reduceMaxGrad,
  Concat: concatGrad,
  Slice: sliceGrad,
  Pad: padGrad,
  Where: ({ g, node, dy, needs }) => {
    const x = inp(node, 1);
    const y = inp(node, 2);
    const c = inp(node, 0);
    const d = dy[0]!;
    return [
      null,
      needs[1] ? sumToShape(g, g.Where(c, d, 0), x) : null,
      needs[2] ? sumToShape(g, g.Where(c, 0, d), y) : null,
    ];
  },
  Equal: none,
  Less: none,
  Greater: none,
  Not: none,
  And: none,
  Shape: none,
  DynamicQuantizeLinear: inferenceOnly,
  MatMulInteger: inferenceOnly,
  MultiHeadAttention: inferenceOnly,
};
