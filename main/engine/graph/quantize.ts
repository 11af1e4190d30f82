import type { Graph } from './graph.ts';
import type { Node, Value } from './value.ts';

/** What `quantizeLinears` did: how many MatMuls became integer ones, and which (by node name). */
export interface QuantizeReport {
  quantized: string[];
  skipped: string[];
}

/**
 * A MatMul's weight when it is a stored float32 [in, out] matrix: an initializer, or a static slice of
 * one along either axis (the packed q/k/v in-projection). Null when the weight is computed or fed.
 */
export function constantWeight(g: Graph, b: Value): { data: Float32Array; rows: number; cols: number } | null {
  const init = g.initializerOf(b);
  if (init) {
    if (init.dims.length !== 2 || !(init.data instanceof Float32Array)) return null;
    return { data: init.data, rows: init.dims[0], cols: init.dims[1] };
  }
  const p = b.producer;
  if (!p || p.op !== 'Slice') return null;
  const src = p.inputs[0] ? g.initializerOf(p.inputs[0]) : undefined;
  if (!src || src.dims.length !== 2 || !(src.data instanceof Float32Array)) return null;
  const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => g.constValues(p.inputs[i] ?? null));
  if (!starts || !ends || !axes || starts.length !== 1 || (steps && steps[0] !== 1)) return null;
  const [R, C] = src.dims;
  const axis = axes[0] < 0 ? axes[0] + 2 : axes[0];
  const len = axis === 0 ? R : C;
  const s = Math.max(0, Math.min(len, starts[0]));
  const e = Math.max(s, Math.min(len, ends[0]));
  const rows = axis === 0 ? e - s : R;
  const cols = axis === 1 ? e - s : C;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = src.data[(axis === 0 ? r + s : r) * C + (axis === 1 ? c + s : c)];
  }
  return { data, rows, cols };
}

/**
 * Symmetric int8 quantization of a [rows, cols] matrix with one scale per column (per output
 * channel): q = round(w / scale), scale = max |w| over the column / 127, so 0 stays exactly 0 and
 * no zero point is needed.
 */
export function quantizePerColumn(data: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m = Math.max(m, Math.abs(data[r * cols + c]));
    scale[c] = m > 0 ? m / 127 : 1;
  }
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(data[r * cols + c] / scale[c])));
  }
  return { q, scale };
}

/**
 * Rewrites a built float32 inference graph, in place, so every MatMul by a stored weight runs in
 * int8 (dynamic quantization): the activation is quantized at run time by DynamicQuantizeLinear
 * (uint8, one scale per tensor, shared by every MatMul reading it), the weight is stored int8 with a
 * scale per output column, and
 *   y = Cast(MatMulInteger(x_q, w_q, x_zero_point), float) * (x_scale * w_scale)
 * which is the pattern ONNX Runtime fuses into one DynamicQuantizeMatMul kernel. Attention's
 * activation-by-activation products, softmax, layer norm and embeddings stay float.
 * `skip(node)` keeps chosen MatMuls float (default: the classification head, `classifier.` scope,
 * which runs once per file and is where rounding would reach the logits most directly).
 * The graph cannot be trained afterwards (the integer ops have no gradient).
 */
export function quantizeLinears(g: Graph, skip: (n: Node) => boolean = (n) => n.name.startsWith('classifier.')): QuantizeReport {
  if (g.dtype !== 'float32') throw new Error(`int8 quantization: graph ${g.name} is ${g.dtype}; it must be built in float32`);
  const nodes = g.nodes.splice(0);
  const order: Node[] = [];
  const replaced = new Map<Value, Value>();
  const quantizedInput = new Map<Value, [Value, Value, Value]>();
  const report: QuantizeReport = { quantized: [], skipped: [] };
  const emit = <T>(fn: () => T): T => {
    const v = fn();
    order.push(...g.nodes.splice(0));
    return v;
  };
  for (const n of nodes) {
    const inputs = n.inputs as (Value | null)[];
    inputs.forEach((x, i) => {
      const r = x ? replaced.get(x) : undefined;
      if (r) inputs[i] = r;
    });
    const [x, b] = n.inputs;
    const w = n.op === 'MatMul' && x && b && x.dtype === 'float32' ? constantWeight(g, b) : null;
    if (!w || !x) {
      order.push(n);
      continue;
    }
    if (skip(n)) {
      report.skipped.push(n.name);
      order.push(n);
      continue;
    }
    const out = n.outputs[0];
    const { q, scale } = quantizePerColumn(w.data, w.rows, w.cols);
    const y = g.scope(`${n.name}.int8`, () => {
      const wq = g.initializer('weight', q, [w.rows, w.cols], 'int8');
      const ws = g.initializer('scale', scale, [w.cols], 'float32');
      let xq = quantizedInput.get(x);
      if (!xq) quantizedInput.set(x, (xq = emit(() => g.DynamicQuantizeLinear(x))));
      const [xu8, xScale, xZero] = xq;
      return emit(() => {
        const acc = g.MatMulInteger(xu8, wq, xZero);
        return g.Mul(g.Cast(acc, { to: 'float32' }), g.Mul(xScale, ws));
      });
    });
    replaced.set(out, y);
    report.quantized.push(n.name);
  }
  g.outputs.forEach((o, i) => {
    const r = replaced.get(o);
    if (r) g.outputs[i] = r;
  });
  // The replaced float MatMuls (and the weight slices only they read) are dropped, so the file
  // holds each weight once, in int8.
  const live = new Set<Value>(g.outputs);
  const kept: Node[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    if (!n.outputs.some((o) => live.has(o))) continue;
    kept.push(n);
    for (const x of n.inputs) if (x) live.add(x);
  }
  g.nodes.push(...kept.reverse());
  return report;
}
