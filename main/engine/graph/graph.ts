import { type AnyTypedArray, type DType, type FloatDType, ONNX_DTYPE_CODE, arrayOf, dtypeOfArray, isFloat } from './dtype.ts';
import type { AttrValue, Attrs, OpType } from './ops.ts';
import { type Dim, type Shape, broadcastShapes, formatShape, normAxis, staticSize } from './shape.ts';
import { type Node, Value, dependsOn } from './value.ts';

/** Where a graph will run; 'webgpu' graphs must avoid ops that provider lacks (see DESIGN.md). */
export type Target = 'cpu' | 'webgpu';

export interface GraphOptions {
  /** Float type of parameters and float constants; 'float64' is for gradient checks. Default float32. */
  dtype?: FloatDType;
  target?: Target;
  /** Graph name written into the ONNX model. */
  name?: string;
}

/** A model parameter: its handle, its data and how the optimizer treats it. */
export interface Param {
  readonly name: string;
  readonly value: Value;
  readonly data: Float32Array | Float64Array;
  readonly shape: readonly number[];
  /** Trainable parameters are graph inputs; frozen ones are initializers (constants). */
  readonly trainable: boolean;
  /** Whether AdamW applies weight decay (false for biases and LayerNorm weights). */
  readonly decay: boolean;
  /**
   * A row-sparse table (`rowParam`): the graph reads only `value`, the rows `index` (a batch input)
   * names, and training differentiates and updates those rows alone.
   */
  readonly rows?: { readonly index: Value; readonly value: Value };
}

/** A constant tensor stored in the model. */
export interface Initializer {
  readonly value: Value;
  readonly data: AnyTypedArray;
  readonly dims: readonly number[];
}

/** A float scalar operand written as a plain number becomes a constant of the other operand's dtype. */
export type Operand = Value | number;

type OutSpec = { dtype: DType; shape: Shape | null };

/**
 * Builds an ONNX graph with functions named after ONNX ops (ONNX argument and attribute names).
 * Names are generated from the current scope (`g.scope('layer3', ...)`) so a graph reads like the model.
 */
export class Graph {
  readonly dtype: FloatDType;
  readonly target: Target;
  readonly name: string;
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers: Initializer[] = [];
  readonly params: Param[] = [];
  private readonly scopes: string[] = [];
  private readonly used = new Set<string>();
  private readonly constCache = new Map<string, Value>();
  private readonly initByValue = new Map<Value, Initializer>();

  constructor(options: GraphOptions = {}) {
    this.dtype = options.dtype ?? 'float32';
    this.target = options.target ?? 'cpu';
    this.name = options.name ?? 'langlab';
  }

  // ---- naming -------------------------------------------------------------------------------------

  /** Runs `fn` with `name` appended to the scope, so every node and parameter inside is prefixed `name.`. */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The current scope prefix (`layer3.attn.`), empty at top level. */
  get prefix(): string {
    return this.scopes.length ? this.scopes.join('.') + '.' : '';
  }

  /** A name not used yet in this graph, built from the scope and `base`. */
  uniqueName(base: string): string {
    const full = this.prefix + base;
    if (!this.used.has(full)) {
      this.used.add(full);
      return full;
    }
    for (let i = 2; ; i++) {
      const n = `${full}_${i}`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }

  private claimExact(name: string, what: string): string {
    if (this.used.has(name)) throw new Error(`${what} name "${name}" is already used in this graph`);
    this.used.add(name);
    return name;
  }

  // ---- graph inputs, parameters, constants, outputs ------------------------------------------------

  /** A graph input fed at run time (batch tensors, masks, learning rate). Name is not scoped. */
  input(name: string, dtype: DType, shape: Shape): Value {
    const v = new Value(this.claimExact(name, 'input'), dtype, [...shape], null);
    this.inputs.push(v);
    return v;
  }

  /**
   * A model parameter named `<scope>.<name>`. Trainable parameters become graph inputs (fed and updated
   * every step); frozen ones become initializers, so autodiff treats them as constants.
   */
  param(
    name: string,
    data: Float32Array | Float64Array,
    shape: readonly number[],
    options: { trainable?: boolean; decay?: boolean } = {},
  ): Value {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new Error(`parameter ${this.prefix}${name}: data has ${data.length} elements, shape [${shape.join(',')}] needs ${size}`);
    }
    const dtype = dtypeOfArray(data);
    if (dtype !== this.dtype) throw new Error(`parameter ${this.prefix}${name} is ${dtype} but the graph is ${this.dtype}`);
    const full = this.claimExact(this.prefix + name, 'parameter');
    const trainable = options.trainable ?? true;
    const value = new Value(full, dtype, [...shape], null);
    if (trainable) this.inputs.push(value);
    else this.addInit({ value, data, dims: [...shape] });
    this.params.push({ name: full, value, data, shape: [...shape], trainable, decay: options.decay ?? true });
    return value;
  }

  /**
   * A trainable table [rows, width] of which each step reads only some rows: returns the rows
   * `index` (an int64 [n] batch input of distinct row numbers) names, in that order. The table is an
   * input like any trainable parameter's, but training differentiates the gathered rows, so a step's
   * gradient and update scale with the rows it reads, not with the table (`buildTrainStep`).
   */
  rowParam(name: string, data: Float32Array, shape: readonly [number, number], index: Value): Value {
    if (this.dtype !== 'float32') throw new Error(`row parameter ${this.prefix}${name} needs a float32 graph`);
    if (index.dtype !== 'int64' || index.knownShape.length !== 1) throw new Error(`row parameter ${this.prefix}${name}: its index must be an int64 vector`);
    const table = this.param(name, data, shape);
    const p = this.params.pop()!;
    const rows = this.Gather(table, index, { axis: 0 });
    this.params.push({ ...p, rows: { index, value: rows } });
    return rows;
  }

  /** A named constant tensor stored in the model (e.g. sinusoidal position table). */
  initializer(name: string, data: AnyTypedArray, shape: readonly number[], dtype?: DType): Value {
    const dt = dtype ?? dtypeOfArray(data);
    const value = new Value(this.claimExact(this.prefix + name, 'initializer'), dt, [...shape], null);
    this.addInit({ value, data, dims: [...shape] });
    return value;
  }

  /**
   * An anonymous constant. A number or number list becomes a tensor of `dtype` (default: the graph's
   * float type); small constants are shared.
   */
  constant(values: number | readonly number[] | AnyTypedArray, dtype?: DType, shape?: readonly number[]): Value {
    let data: AnyTypedArray;
    let dims: readonly number[];
    if (typeof values === 'number') {
      data = arrayOf(dtype ?? this.dtype, [values]);
      dims = shape ?? [];
    } else if (Array.isArray(values)) {
      data = arrayOf(dtype ?? this.dtype, values as readonly number[]);
      dims = shape ?? [values.length];
    } else {
      data = values as AnyTypedArray;
      dims = shape ?? [data.length];
    }
    const dt = dtype ?? (typeof values === 'number' || Array.isArray(values) ? this.dtype : dtypeOfArray(data));
    const key = data.length <= 64 ? `${dt}|${dims.join(',')}|${Array.from(data as ArrayLike<number | bigint>).join(',')}` : null;
    if (key !== null) {
      const hit = this.constCache.get(key);
      if (hit) return hit;
    }
    const value = new Value(this.uniqueNameTop('const'), dt, [...dims], null);
    this.addInit({ value, data, dims: [...dims] });
    if (key !== null) this.constCache.set(key, value);
    return value;
  }

  private addInit(init: Initializer): void {
    this.initializers.push(init);
    this.initByValue.set(init.value, init);
  }

  /** The stored tensor behind a constant, initializer or frozen parameter (undefined if `v` is computed or fed). */
  initializerOf(v: Value): Initializer | undefined {
    return this.initByValue.get(v);
  }

  /** The numbers held by a constant/initializer (axes, pads, shapes), or null if `v` is computed. */
  constValues(v: Value | null): number[] | null {
    const init = v ? this.initByValue.get(v) : undefined;
    if (!init) return null;
    return Array.from(init.data as ArrayLike<number | bigint>, (x) => Number(x));
  }

  private uniqueNameTop(base: string): string {
    const saved = this.scopes.splice(0);
    try {
      return this.uniqueName(base);
    } finally {
      this.scopes.push(...saved);
    }
  }

  /** An int64 1-D constant (axes, shapes, starts/ends). */
  ints(values: readonly number[]): Value {
    return this.constant(values, 'int64', [values.length]);
  }

  /** Marks `v` as a graph output called `name` (an Identity is inserted when the name differs). */
  output(v: Value, name?: string): Value {
    let out = v;
    if (name !== undefined && name !== v.name) {
      out = this.emit('Identity', [v], {}, [{ dtype: v.dtype, shape: v.shape }], name)[0];
    }
    this.outputs.push(out);
    return out;
  }

  /**
   * Tells autodiff that `probs` (a Softmax over its last axis) reaches `out = MatMul(probs ⊙ m, v)`
   * only through element-wise multiplications m that do not depend on it (attention with dropout;
   * `Where(keep, x, 0)` is x ⊙ keep).
   * The softmax backward then reduces d(out)·out over v's width instead of dy·probs over the whole
   * sequence: the same numbers, one fewer [.., seq, seq] product and reduction per layer. Checked here.
   */
  hintSoftmaxFeedsMatMul(probs: Value, out: Value): void {
    const sm = probs.producer;
    if (!sm || sm.op !== 'Softmax') throw new Error(`hintSoftmaxFeedsMatMul: ${probs.name} is not a Softmax output`);
    const axis = Number(sm.attrs.axis ?? -1);
    if (axis !== -1 && axis !== probs.rank - 1) throw new Error(`hintSoftmaxFeedsMatMul: ${sm.name} is not over the last axis`);
    const mm = out.producer;
    if (!mm || mm.op !== 'MatMul') throw new Error(`hintSoftmaxFeedsMatMul: ${out.name} is not a MatMul output`);
    let cur = mm.inputs[0];
    while (cur !== probs) {
      const p = cur?.producer;
      const where = p?.op === 'Where' && this.constValues(p.inputs[2])?.every((z) => z === 0) === true;
      if (!cur || !p || (p.op !== 'Mul' && !where)) throw new Error(`hintSoftmaxFeedsMatMul: ${mm.name}'s left input is not ${probs.name} times element-wise factors`);
      const [a, b] = (where ? [p.inputs[1], p.inputs[0]] : p.inputs) as [Value, Value];
      const fromA = dependsOn(a, probs);
      if (fromA === dependsOn(b, probs)) throw new Error(`hintSoftmaxFeedsMatMul: ${p.name} must have exactly one operand computed from ${probs.name}`);
      if ((fromA ? a : b).knownShape.join(',') !== cur.knownShape.join(',')) throw new Error(`hintSoftmaxFeedsMatMul: ${p.name} broadcasts ${probs.name}`);
      cur = fromA ? a : b;
    }
    sm.gradHint = { softmaxFeedsMatMul: out };
  }

  // ---- low level ---------------------------------------------------------------------------------

  /**
   * Appends one node. Used by the op methods below and by autodiff rules that know output shapes
   * better than generic inference. `exactName` names the single output exactly (graph outputs).
   */
  emit(op: OpType, inputs: readonly (Value | null)[], attrs: Attrs, outs: readonly OutSpec[], exactName?: string): Value[] {
    const nodeName = exactName !== undefined ? this.claimExact(exactName + '_node', 'node') : this.uniqueName(op);
    const outputs: Value[] = [];
    const node: Node = { op, name: nodeName, inputs, outputs, attrs };
    outs.forEach((o, i) => {
      const outName =
        exactName !== undefined ? this.claimExact(exactName, 'output') : this.claimExact(outs.length === 1 ? `${nodeName}_out` : `${nodeName}_out${i}`, 'value');
      outputs.push(new Value(outName, o.dtype, o.shape, node, i));
    });
    this.nodes.push(node);
    return outputs;
  }

  private one(op: OpType, inputs: readonly (Value | null)[], attrs: Attrs, dtype: DType, shape: Shape | null): Value {
    return this.emit(op, inputs, attrs, [{ dtype, shape }])[0];
  }

  private operands(op: string, a: Operand, b: Operand): [Value, Value] {
    if (typeof a === 'number' && typeof b === 'number') throw new Error(`${op}: at least one operand must be a tensor`);
    const av = typeof a === 'number' ? this.constant(a, (b as Value).dtype) : a;
    const bv = typeof b === 'number' ? this.constant(b, av.dtype) : b;
    if (av.dtype !== bv.dtype) throw new Error(`${op}: dtypes differ (${av.name} is ${av.dtype}, ${bv.name} is ${bv.dtype})`);
    return [av, bv];
  }

  private bshape(op: string, a: Value, b: Value): Shape | null {
    return a.shape && b.shape ? broadcastShapes(a.shape, b.shape, `${op}(${a.name}, ${b.name})`) : null;
  }

  private binary(op: OpType, a: Operand, b: Operand, outDtype?: DType): Value {
    const [av, bv] = this.operands(op, a, b);
    return this.one(op, [av, bv], {}, outDtype ?? av.dtype, this.bshape(op, av, bv));
  }

  private unary(op: OpType, x: Value, attrs: Attrs = {}): Value {
    return this.one(op, [x], attrs, x.dtype, x.shape);
  }

  private float(op: string, x: Value): void {
    if (!isFloat(x.dtype)) throw new Error(`${op}: ${x.name} is ${x.dtype}, a float tensor is required`);
  }

  // ---- element-wise ------------------------------------------------------------------------------

  Add(a: Operand, b: Operand): Value { return this.binary('Add', a, b); }
  Sub(a: Operand, b: Operand): Value { return this.binary('Sub', a, b); }
  Mul(a: Operand, b: Operand): Value { return this.binary('Mul', a, b); }
  Div(a: Operand, b: Operand): Value { return this.binary('Div', a, b); }
  Pow(x: Value, y: Operand): Value { return this.binary('Pow', x, y); }
  Max(a: Operand, b: Operand): Value { return this.binary('Max', a, b); }
  Min(a: Operand, b: Operand): Value { return this.binary('Min', a, b); }
  Equal(a: Operand, b: Operand): Value { return this.binary('Equal', a, b, 'bool'); }
  Less(a: Operand, b: Operand): Value { return this.binary('Less', a, b, 'bool'); }
  Greater(a: Operand, b: Operand): Value { return this.binary('Greater', a, b, 'bool'); }
  And(a: Value, b: Value): Value { return this.binary('And', a, b, 'bool'); }
  Not(x: Value): Value { return this.unary('Not', x); }
  Neg(x: Value): Value { return this.unary('Neg', x); }
  Abs(x: Value): Value { return this.unary('Abs', x); }
  Sqrt(x: Value): Value { this.float('Sqrt', x); return this.unary('Sqrt', x); }
  Exp(x: Value): Value { this.float('Exp', x); return this.unary('Exp', x); }
  Log(x: Value): Value { this.float('Log', x); return this.unary('Log', x); }
  Tanh(x: Value): Value { this.float('Tanh', x); return this.unary('Tanh', x); }
  Sigmoid(x: Value): Value { this.float('Sigmoid', x); return this.unary('Sigmoid', x); }
  Relu(x: Value): Value { return this.unary('Relu', x); }
  Identity(x: Value): Value { return this.unary('Identity', x); }

  /** Erf; the CPU provider has no float64 kernel, so float64 graphs cannot use it (see gelu in nn.ts). */
  Erf(x: Value): Value {
    this.float('Erf', x);
    if (x.dtype === 'float64') throw new Error(`Erf(${x.name}): onnxruntime's CPU provider has no float64 Erf`);
    return this.unary('Erf', x);
  }

  /**
   * Gelu (opset 20). In float64 graphs, which the CPU provider cannot run Gelu in, it is composed from
   * the tanh approximation (used only by gradient checks).
   */
  Gelu(x: Value, attrs: { approximate?: 'none' | 'tanh' } = {}): Value {
    this.float('Gelu', x);
    if (x.dtype === 'float64') return this.geluTanhComposed(x);
    return this.unary('Gelu', x, attrs.approximate ? { approximate: attrs.approximate } : {});
  }

  private geluTanhComposed(x: Value): Value {
    return this.scope('gelu', () => {
      const x3 = this.Mul(this.Mul(x, x), x);
      const inner = this.Mul(this.Add(x, this.Mul(x3, 0.044715)), Math.sqrt(2 / Math.PI));
      return this.Mul(this.Mul(x, 0.5), this.Add(this.Tanh(inner), 1));
    });
  }

  Where(condition: Value, x: Operand, y: Operand): Value {
    const [xv, yv] = this.operands('Where', x, y);
    const s1 = this.bshape('Where', xv, yv);
    const shape = s1 && condition.shape ? broadcastShapes(condition.shape, s1, 'Where') : null;
    return this.one('Where', [condition, xv, yv], {}, xv.dtype, shape);
  }

  /**
   * onnxruntime's fused attention (com.microsoft MultiHeadAttention, inference only): q [batch,
   * q_seq, hidden], k and v [batch, seq, hidden], `keyPadding` int32 [batch, seq] (1 = a token to
   * attend to); scales q by 1/sqrt(hidden/heads) itself. Returns the heads' outputs concatenated,
   * [batch, q_seq, hidden].
   */
  MultiHeadAttention(q: Value, k: Value, v: Value, keyPadding: Value, attrs: { num_heads: number }): Value {
    return this.one('MultiHeadAttention', [q, k, v, null, keyPadding], { num_heads: attrs.num_heads }, q.dtype, q.shape);
  }

  Cast(x: Value, attrs: { to: DType }): Value {
    return this.one('Cast', [x], { to: ONNX_DTYPE_CODE[attrs.to] }, attrs.to, x.shape);
  }

  // ---- linear algebra ----------------------------------------------------------------------------

  MatMul(a: Value, b: Value): Value {
    if (a.dtype !== b.dtype) throw new Error(`MatMul: dtypes differ (${a.name} ${a.dtype}, ${b.name} ${b.dtype})`);
    return this.one('MatMul', [a, b], {}, a.dtype, this.matMulShape('MatMul', a, b));
  }

  private matMulShape(op: string, a: Value, b: Value): Dim[] | null {
    if (!a.shape || !b.shape) return null;
    if (a.shape.length < 2 || b.shape.length < 2) throw new Error(`${op}(${a.name}, ${b.name}): both operands need rank >= 2`);
    const k1 = a.shape[a.shape.length - 1];
    const k2 = b.shape[b.shape.length - 2];
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
      throw new Error(`${op}(${a.name} ${formatShape(a.shape)}, ${b.name} ${formatShape(b.shape)}): inner dimensions differ`);
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `${op}(${a.name}, ${b.name})`);
    return [...batch, a.shape[a.shape.length - 2], b.shape[b.shape.length - 1]];
  }

  /**
   * DynamicQuantizeLinear: a float32 tensor to uint8 with one scale and zero point computed from its
   * range at run time. Returns [y (uint8, x's shape), y_scale (float32 scalar), y_zero_point (uint8 scalar)].
   * Inference only (no gradient rule).
   */
  DynamicQuantizeLinear(x: Value): [Value, Value, Value] {
    if (x.dtype !== 'float32') throw new Error(`DynamicQuantizeLinear: ${x.name} is ${x.dtype}; it takes float32`);
    const [y, scale, zp] = this.emit('DynamicQuantizeLinear', [x], {}, [
      { dtype: 'uint8', shape: x.shape }, { dtype: 'float32', shape: [] }, { dtype: 'uint8', shape: [] },
    ]);
    return [y, scale, zp];
  }

  /** MatMulInteger: (a - a_zero_point) @ (b - b_zero_point) in int32, a and b uint8 or int8. Inference only. */
  MatMulInteger(a: Value, b: Value, aZeroPoint: Value | null = null, bZeroPoint: Value | null = null): Value {
    for (const v of [a, b]) {
      if (v.dtype !== 'uint8' && v.dtype !== 'int8') throw new Error(`MatMulInteger: ${v.name} is ${v.dtype}; it takes uint8 or int8`);
    }
    const inputs = bZeroPoint ? [a, b, aZeroPoint, bZeroPoint] : aZeroPoint ? [a, b, aZeroPoint] : [a, b];
    return this.one('MatMulInteger', inputs, {}, 'int32', this.matMulShape('MatMulInteger', a, b));
  }

  /** Y = alpha * A' * B' + beta * C, with 2-D A and B. */
  Gemm(a: Value, b: Value, c: Value | null, attrs: { alpha?: number; beta?: number; transA?: 0 | 1; transB?: 0 | 1 } = {}): Value {
    const sa = a.knownShape;
    const sb = b.knownShape;
    if (sa.length !== 2 || sb.length !== 2) throw new Error(`Gemm(${a.name}, ${b.name}): A and B must be 2-D`);
    const m = attrs.transA ? sa[1] : sa[0];
    const n = attrs.transB ? sb[0] : sb[1];
    const clean: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
    return this.one('Gemm', c ? [a, b, c] : [a, b], clean, a.dtype, [m, n]);
  }

  // ---- normalisation and activations over an axis -----------------------------------------------

  Softmax(x: Value, attrs: { axis?: number } = {}): Value {
    return this.unary('Softmax', x, { axis: attrs.axis ?? -1 });
  }

  LogSoftmax(x: Value, attrs: { axis?: number } = {}): Value {
    return this.unary('LogSoftmax', x, { axis: attrs.axis ?? -1 });
  }

  /**
   * LayerNormalization over the last axis. Float64 graphs get a decomposed form, since the CPU provider
   * rejects a float64 stash type. The native node also outputs Mean and InvStdDev, which its gradient uses.
   */
  LayerNormalization(x: Value, scale: Value, bias: Value | null, attrs: { axis?: -1; epsilon?: number } = {}): Value {
    const epsilon = attrs.epsilon ?? 1e-5;
    if (x.dtype === 'float64') return this.layerNormComposed(x, scale, bias, epsilon);
    const shape = x.knownShape;
    const statShape = [...shape.slice(0, -1), 1];
    const [y] = this.emit('LayerNormalization', bias ? [x, scale, bias] : [x, scale], { axis: -1, epsilon }, [
      { dtype: x.dtype, shape },
      { dtype: 'float32', shape: statShape },
      { dtype: 'float32', shape: statShape },
    ]);
    return y;
  }

  private layerNormComposed(x: Value, scale: Value, bias: Value | null, epsilon: number): Value {
    return this.scope('ln', () => {
      const mean = this.ReduceMean(x, { axes: [-1], keepdims: 1 });
      const d = this.Sub(x, mean);
      const variance = this.ReduceMean(this.Mul(d, d), { axes: [-1], keepdims: 1 });
      const xhat = this.Div(d, this.Sqrt(this.Add(variance, epsilon)));
      const y = this.Mul(xhat, scale);
      return bias ? this.Add(y, bias) : y;
    });
  }

  // ---- indexing ----------------------------------------------------------------------------------

  Gather(data: Value, indices: Value, attrs: { axis?: number } = {}): Value {
    const axis = attrs.axis ?? 0;
    let shape: Dim[] | null = null;
    if (data.shape && indices.shape) {
      const ax = normAxis(axis, data.shape.length, `Gather(${data.name})`);
      shape = [...data.shape.slice(0, ax), ...indices.shape, ...data.shape.slice(ax + 1)];
    }
    return this.one('Gather', [data, indices], { axis }, data.dtype, shape);
  }

  GatherND(data: Value, indices: Value): Value {
    const is = indices.knownShape;
    const k = is[is.length - 1];
    if (typeof k !== 'number') throw new Error(`GatherND(${data.name}): last dimension of ${indices.name} must be static`);
    const shape = [...is.slice(0, -1), ...data.knownShape.slice(k)];
    return this.one('GatherND', [data, indices], {}, data.dtype, shape);
  }

  ScatterND(data: Value, indices: Value, updates: Value, attrs: { reduction?: 'none' | 'add' } = {}): Value {
    return this.one('ScatterND', [data, indices, updates], attrs.reduction ? { reduction: attrs.reduction } : {}, data.dtype, data.shape);
  }

  Slice(data: Value, attrs: { starts: readonly number[]; ends: readonly number[]; axes?: readonly number[]; steps?: readonly number[] }): Value {
    const rank = data.rank;
    const axes = (attrs.axes ?? attrs.starts.map((_, i) => i)).map((a) => normAxis(a, rank, `Slice(${data.name})`));
    const steps = attrs.steps ?? attrs.starts.map(() => 1);
    const shape: Dim[] = [...data.knownShape];
    axes.forEach((ax, i) => {
      const d = shape[ax];
      const st = steps[i];
      if (typeof d === 'number') {
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
        let s = attrs.starts[i] < 0 ? attrs.starts[i] + d : attrs.starts[i];
        let e = attrs.ends[i] < 0 ? attrs.ends[i] + d : attrs.ends[i];
        if (st > 0) { s = clamp(s, 0, d); e = clamp(e, 0, d); }
        else { s = clamp(s, 0, d - 1); e = clamp(e, -1, d - 1); }
        shape[ax] = Math.max(0, Math.ceil((e - s) / st));
      } else if (st === 1 && attrs.starts[i] >= 0 && attrs.ends[i] >= 0 && attrs.ends[i] < 2 ** 31 - 1) {
        shape[ax] = attrs.ends[i] - attrs.starts[i];
      } else {
        shape[ax] = `${d}[${attrs.starts[i]}:${attrs.ends[i]}:${st}]`;
      }
    });
    const inputs = [data, this.ints(attrs.starts), this.ints(attrs.ends), this.ints(axes), this.ints(steps)];
    return this.one('Slice', inputs, {}, data.dtype, shape);
  }

  /** Constant-mode Pad; `pads` is [begin of each axis..., end of each axis...] (or an int64 tensor). */
  Pad(data: Value, pads: readonly number[] | Value, constantValue?: Value): Value {
    let shape: Dim[] | null = null;
    let padsV: Value;
    if (Array.isArray(pads)) {
      const r = data.rank;
      shape = data.knownShape.map((d, i) => (typeof d === 'number' ? d + pads[i] + pads[i + r] : `${d}+pad`));
      padsV = this.ints(pads as readonly number[]);
    } else {
      padsV = pads as Value;
    }
    return this.one('Pad', constantValue ? [data, padsV, constantValue] : [data, padsV], { mode: 'constant' }, data.dtype, shape);
  }

  /** Pad with a pads tensor computed at run time and the output shape known to the caller. */
  PadTo(data: Value, pads: Value, shape: Shape | null): Value {
    return this.one('Pad', [data, pads], { mode: 'constant' }, data.dtype, shape);
  }

  CumSum(x: Value, axis: number, attrs: { exclusive?: 0 | 1; reverse?: 0 | 1 } = {}): Value {
    const clean: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
    return this.one('CumSum', [x, this.constant(axis, 'int64', [])], clean, x.dtype, x.shape);
  }

  // ---- shape manipulation ------------------------------------------------------------------------

  /**
   * Reshape to a static shape list (0 copies the input dim, -1 is inferred) or to a shape tensor.
   * With a tensor, pass `shapeHint` when the result's shape is known, so later ops can use it.
   */
  Reshape(x: Value, shape: readonly number[] | Value, shapeHint?: Shape): Value {
    if (!Array.isArray(shape)) return this.one('Reshape', [x, shape as Value], {}, x.dtype, shapeHint ?? null);
    const target = shape as readonly number[];
    return this.one('Reshape', [x, this.ints(target)], {}, x.dtype, shapeHint ?? (x.shape ? reshapeShape(x.shape, target, x.name) : null));
  }

  Transpose(x: Value, attrs: { perm?: readonly number[] } = {}): Value {
    const rank = x.rank;
    const perm = attrs.perm ?? [...Array(rank).keys()].reverse();
    return this.one('Transpose', [x], { perm }, x.dtype, perm.map((p) => x.knownShape[p]));
  }

  Unsqueeze(x: Value, attrs: { axes: readonly number[] }): Value {
    const outRank = x.rank + attrs.axes.length;
    const axes = attrs.axes.map((a) => normAxis(a, outRank, `Unsqueeze(${x.name})`));
    const shape: Dim[] = [];
    const rest = [...x.knownShape];
    for (let i = 0; i < outRank; i++) shape.push(axes.includes(i) ? 1 : (rest.shift() as Dim));
    return this.one('Unsqueeze', [x, this.ints(axes)], {}, x.dtype, shape);
  }

  Squeeze(x: Value, attrs: { axes: readonly number[] }): Value {
    const axes = attrs.axes.map((a) => normAxis(a, x.rank, `Squeeze(${x.name})`));
    const shape = x.knownShape.filter((_, i) => !axes.includes(i));
    return this.one('Squeeze', [x, this.ints(axes)], {}, x.dtype, shape);
  }

  /** Expand to a static shape list or a shape tensor (then pass `shapeHint` if the result is known). */
  Expand(x: Value, shape: readonly number[] | Value, shapeHint?: Shape): Value {
    if (!Array.isArray(shape)) return this.one('Expand', [x, shape as Value], {}, x.dtype, shapeHint ?? null);
    const target = shape as readonly number[];
    const out = x.shape ? broadcastShapes(x.shape, target, `Expand(${x.name})`) : null;
    return this.one('Expand', [x, this.ints(target)], {}, x.dtype, shapeHint ?? out);
  }

  Concat(xs: readonly Value[], attrs: { axis: number }): Value {
    if (xs.length === 0) throw new Error('Concat needs at least one input');
    const first = xs[0];
    const ax = normAxis(attrs.axis, first.rank, 'Concat');
    const shape: Dim[] = [...first.knownShape];
    let total: Dim = 0;
    for (const x of xs) {
      const d = x.knownShape[ax];
      total = typeof total === 'number' && typeof d === 'number' ? total + d : `${total}+${d}`;
    }
    shape[ax] = total;
    return this.one('Concat', xs, { axis: attrs.axis }, first.dtype, shape);
  }

  Shape(x: Value): Value {
    return this.one('Shape', [x], {}, 'int64', [x.rank]);
  }

  // ---- reductions --------------------------------------------------------------------------------

  ReduceSum(x: Value, attrs: { axes: readonly number[]; keepdims?: 0 | 1 }): Value {
    return this.reduce('ReduceSum', x, attrs.axes, attrs.keepdims ?? 1);
  }

  ReduceMean(x: Value, attrs: { axes: readonly number[]; keepdims?: 0 | 1 }): Value {
    return this.reduce('ReduceMean', x, attrs.axes, attrs.keepdims ?? 1);
  }

  /** Maximum over `axes` (its gradient is shared evenly among tied maxima, as torch.amax's). */
  ReduceMax(x: Value, attrs: { axes: readonly number[]; keepdims?: 0 | 1 }): Value {
    return this.reduce('ReduceMax', x, attrs.axes, attrs.keepdims ?? 1);
  }

  private reduce(op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax', x: Value, axesIn: readonly number[], keepdims: 0 | 1): Value {
    let shape: Dim[] | null = null;
    let axes = [...axesIn];
    if (x.shape) {
      const rank = x.shape.length;
      axes = axesIn.map((a) => normAxis(a, rank, `${op}(${x.name})`));
      shape = [];
      x.shape.forEach((d, i) => {
        if (!axes.includes(i)) shape!.push(d);
        else if (keepdims) shape!.push(1);
      });
    }
    return this.one(op, [x, this.ints(axes)], { keepdims }, x.dtype, shape);
  }
}

/** Output shape of a static Reshape, keeping symbolic dims where they can be matched. */
export function reshapeShape(input: Shape, target: readonly number[], name: string): Dim[] {
  const out: Dim[] = target.map((t, i) => (t === 0 ? input[i] : t));
  const minus = out.indexOf(-1);
  if (minus < 0) return out;
  let num = 1;
  const syms: string[] = [];
  for (const d of input) typeof d === 'number' ? (num *= d) : syms.push(d);
  let known = 1;
  out.forEach((d, i) => {
    if (i === minus) return;
    if (typeof d === 'number') known *= d;
    else {
      const k = syms.indexOf(d);
      if (k >= 0) syms.splice(k, 1);
    }
  });
  if (syms.length === 0) {
    if (num % known !== 0) throw new Error(`Reshape(${name}): ${formatShape(input)} cannot be reshaped to [${target.join(',')}]`);
    out[minus] = num / known;
  } else {
    const ratio = num / known;
    out[minus] = (ratio === 1 ? '' : `${ratio}*`) + syms.join('*');
  }
  return out;
}
