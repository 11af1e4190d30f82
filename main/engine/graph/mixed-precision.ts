import { type DType, ONNX_DTYPE_CODE, isFloat, toHalf } from './dtype.ts';
import type { Graph } from './graph.ts';
import type { OpType } from './ops.ts';
import type { Node, Value } from './value.ts';

/**
 * Ops kept in float32 by the mixed-precision transform, as PyTorch's autocast keeps them: reductions,
 * normalisation, softmax and the exponential family, whose float16 results overflow or lose the
 * small differences training needs.
 */
export const FLOAT32_OPS: ReadonlySet<OpType> = new Set<OpType>([
  'LayerNormalization', 'Softmax', 'LogSoftmax', 'ReduceSum', 'ReduceMean', 'Exp', 'Log', 'Pow', 'Sqrt',
]);

/**
 * Whether a node stays in float32: the ops above, everything in the loss's scope (`loss.`), and a
 * lookup (Gather) in a trainable table, whose gradient is a scatter-add that onnxruntime's CPU
 * provider has no float16 kernel for.
 */
export function keepsFloat32(n: Node, g: Graph): boolean {
  if (FLOAT32_OPS.has(n.op) || n.name.startsWith('loss.')) return true;
  const table = n.inputs[0];
  return n.op === 'Gather' && table !== null && table.producer === null && g.initializerOf(table) === undefined;
}

const FLOAT32_CODE = ONNX_DTYPE_CODE.float32;
const FLOAT16_CODE = ONNX_DTYPE_CODE.float16;

function setDtype(v: Value, dtype: DType): void {
  (v as { dtype: DType }).dtype = dtype;
}

/**
 * Rewrites a built float32 forward graph (before autodiff) to compute in float16, in place:
 * - every node computes in float16 except those `keep32` names, whose float inputs are cast up;
 * - trainable parameters stay float32 graph inputs (the master weights) and are cast to float16
 *   where float16 nodes read them, so their gradients come back float32 through Cast's rule;
 * - frozen weights and constants read by float16 nodes become float16 initializers (half the
 *   memory; values beyond ±65504, such as the attention mask's -1e9, clamp to ±65504).
 * Values keep their identity, so handles the caller holds (logits, loss) stay valid; check their
 * dtype afterwards. Casts are placed just before their first reader and shared by later ones.
 */
export function toMixedPrecision(g: Graph, keep32: (n: Node, g: Graph) => boolean = keepsFloat32): void {
  if (g.dtype !== 'float32') throw new Error(`mixed precision: graph ${g.name} is ${g.dtype}; it must be built in float32`);
  const nodes = g.nodes.splice(0);
  const order: Node[] = [];
  const half = new Map<Value, Value>();
  const full = new Map<Value, Value>();
  /** Runs a builder call and moves the nodes it appended into the new order. */
  const emit = (fn: () => Value): Value => {
    const v = fn();
    order.push(...g.nodes.splice(0));
    return v;
  };
  const to16 = (v: Value): Value => {
    if (v.dtype !== 'float32') return v;
    let h = half.get(v);
    if (!h) {
      const init = g.initializerOf(v);
      h = init
        ? g.initializer(`${v.name}.fp16`, toHalf(init.data as Float32Array), init.dims, 'float16')
        : emit(() => g.Cast(v, { to: 'float16' }));
      half.set(v, h);
    }
    return h;
  };
  const to32 = (v: Value): Value => {
    if (v.dtype !== 'float16') return v;
    let f = full.get(v);
    if (!f) full.set(v, (f = emit(() => g.Cast(v, { to: 'float32' }))));
    return f;
  };

  for (const n of nodes) {
    const floatIn = n.inputs.some((i) => i !== null && isFloat(i.dtype));
    const floatOut = n.outputs.some((o) => isFloat(o.dtype));
    // Shape reads only dimensions; nodes with no float tensor are untouched.
    if (n.op === 'Shape' || (!floatIn && !floatOut)) {
      order.push(n);
      continue;
    }
    const in32 = keep32(n, g);
    const inputs = n.inputs as (Value | null)[];
    inputs.forEach((x, i) => {
      if (x && isFloat(x.dtype)) inputs[i] = in32 ? to32(x) : to16(x);
    });
    if (!in32) {
      for (const o of n.outputs) if (o.dtype === 'float32') setDtype(o, 'float16');
      if (n.op === 'Cast' && n.attrs.to === FLOAT32_CODE) (n.attrs as { to: number }).to = FLOAT16_CODE;
    }
    order.push(n);
  }
  g.nodes.push(...order);
}
