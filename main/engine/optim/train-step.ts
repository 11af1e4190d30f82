import { gradients } from '../autodiff/gradients.ts';
import type { Graph, Param } from '../graph/graph.ts';
import { toMixedPrecision } from '../graph/mixed-precision.ts';
import { type SerializeOptions, toOnnx } from '../graph/serialize.ts';
import type { Value } from '../graph/value.ts';
import { type AdamWConfig, DEFAULT_ADAMW } from './adamw.ts';

export interface TrainStepOptions {
  loss: Value;
  /** Extra forward values to return every step (logits), keyed by output name. */
  outputs?: Record<string, Value>;
  adamw?: Partial<AdamWConfig>;
  /** Global-norm clipping threshold (max_grad_norm); 0 or Infinity disables clipping. */
  maxGradNorm?: number;
  /** Build gradient accumulator inputs/outputs (gradient_accumulation_steps > 1). */
  accumulation?: boolean;
  /** Parameters with at least this many elements are updated outside the graph (plain TS AdamW). */
  outsideThreshold?: number;
  /**
   * Mixed precision: the forward and backward compute in float16 (graph/mixed-precision.ts) while
   * parameters, moments and the update stay float32. The loss is multiplied by an `optim.loss_scale`
   * input before differentiation and the gradients divided by it; when any gradient is not finite,
   * `optim.finite` is false and the step leaves parameters and moments as they were.
   */
  mixedPrecision?: boolean;
  serialize?: SerializeOptions;
}

/** Graph-side names of one trainable parameter's tensors. */
export interface ParamSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly decay: boolean;
  readonly init: Float32Array | Float64Array;
  /** false: the graph outputs the gradient (`gradOut`) and the runner applies AdamW in TS. */
  readonly inGraph: boolean;
  readonly mIn: string | null;
  readonly vIn: string | null;
  readonly accIn: string | null;
  readonly paramOut: string | null;
  readonly mOut: string | null;
  readonly vOut: string | null;
  readonly accOut: string | null;
  readonly gradOut: string | null;
  /**
   * A row-sparse table: the batch input naming the rows the step reads. The table and its moments
   * go in whole; `paramOut`, `mOut` and `vOut` are only those rows updated, which the runner writes
   * back: AdamW updates only them (lazily: a row no step reads keeps its value and moments, as
   * PyTorch's SparseAdam and Keras's LazyAdam do).
   */
  readonly rows: string | null;
}

/** Everything a runner needs to drive one-run-per-optimizer-step training. */
export interface TrainStep {
  readonly onnx: Uint8Array;
  readonly dtype: 'float32' | 'float64';
  readonly slots: readonly ParamSlot[];
  /** Graph inputs that are neither parameters nor optimizer state: the batch, labels, masks. */
  readonly batchInputs: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
  readonly stepInput: string;
  readonly lrInput: string;
  /** Mixed precision only: the loss scale input and the "every gradient is finite" output. */
  readonly lossScaleInput: string | null;
  readonly finiteOutput: string | null;
  readonly gradScaleInput: string | null;
  readonly lossOutput: string;
  readonly gradNormOutput: string;
  readonly clipScaleOutput: string;
  readonly extraOutputs: readonly string[];
  readonly adamw: AdamWConfig;
  readonly maxGradNorm: number;
}

/** Default size above which a tensor is updated in TS (DESIGN.md: ~15M elements is faster as a loop). */
export const DEFAULT_OUTSIDE_THRESHOLD = 8_000_000;

/**
 * Appends backward, global-norm clipping and the AdamW update to a finished forward graph and
 * serialises it: one session.run is one optimizer step. Inputs: trainable parameters (their own
 * names), `optim.m.<p>`, `optim.v.<p>`, `optim.step` (1-based), `optim.lr`, the batch; outputs
 * `optim.new.<p>`, `optim.new_m.<p>`, `optim.new_v.<p>`, `loss`, `optim.grad_norm` and the extras.
 * With accumulation, `optim.acc.<p>` inputs and `optim.new_acc.<p>` outputs (acc + grad) are added,
 * and the update uses (acc + grad) * `optim.grad_scale`.
 */
export function buildTrainStep(g: Graph, options: TrainStepOptions): TrainStep {
  const adamw: AdamWConfig = { ...DEFAULT_ADAMW, ...options.adamw };
  const maxGradNorm = options.maxGradNorm ?? 1.0;
  const threshold = options.outsideThreshold ?? DEFAULT_OUTSIDE_THRESHOLD;
  const trainable = g.params.filter((p) => p.trainable);
  if (trainable.length === 0) throw new Error('buildTrainStep: the model has no trainable parameters');
  const sparse = trainable.filter((p) => p.rows);
  if (sparse.length > 0 && (options.accumulation || options.mixedPrecision || options.outsideThreshold === Infinity)) {
    throw new Error(`buildTrainStep: row parameter ${sparse[0].name} needs a float32 step without accumulation on the CPU`);
  }
  const paramNames = new Set(trainable.map((p) => p.name));
  const batchInputs = g.inputs.filter((v) => !paramNames.has(v.name)).map((v) => ({ name: v.name, dtype: v.dtype, shape: v.knownShape }));

  const mixed = options.mixedPrecision ?? false;
  if (mixed) toMixedPrecision(g);
  if (options.loss.dtype !== g.dtype) throw new Error(`buildTrainStep: the loss is ${options.loss.dtype}; it must be ${g.dtype}`);
  const lossScale = mixed ? g.input('optim.loss_scale', g.dtype, []) : null;
  // A row parameter is differentiated at its gathered rows, so its gradient is [rows read, width].
  const wrt = (p: Param) => p.rows?.value ?? p.value;
  const grads = gradients(g, lossScale ? g.Mul(options.loss, lossScale) : options.loss, trainable.map(wrt));
  const dt = g.dtype;
  return g.scope('optim', () => {
    const step = g.input('optim.step', dt, []);
    const lr = g.input('optim.lr', dt, []);
    const gradScale = options.accumulation ? g.input('optim.grad_scale', dt, []) : null;

    type Work = { p: Param; grad: Value; acc: Value | null };
    const work: Work[] = trainable.map((p) => {
      let grad = grads.get(wrt(p))!;
      if (lossScale) grad = g.Div(grad, lossScale);
      let acc: Value | null = null;
      if (options.accumulation) {
        acc = g.input(`optim.acc.${p.name}`, dt, p.shape);
        g.output(g.Add(acc, grad), `optim.new_acc.${p.name}`);
        grad = g.Mul(g.Add(acc, grad), gradScale!);
      }
      return { p, grad, acc };
    });

    // Global L2 norm over every trainable gradient, as torch.nn.utils.clip_grad_norm_.
    let sq: Value | null = null;
    for (const w of work) {
      const s = g.ReduceSum(g.Mul(w.grad, w.grad), { axes: w.p.shape.map((_, i) => i), keepdims: 0 });
      sq = sq ? g.Add(sq, s) : s;
    }
    const norm = g.Sqrt(sq!);
    g.output(norm, 'optim.grad_norm');
    // x - x is 0 for every finite x and NaN for ±Inf and NaN: one test covers every gradient.
    const finite = lossScale ? g.Equal(g.Sub(sq!, sq!), 0) : null;
    if (finite) g.output(finite, 'optim.finite');
    const unlessSkipped = (next: Value, prev: Value) => (finite ? g.Where(finite, next, prev) : next);
    const clip = maxGradNorm > 0 && Number.isFinite(maxGradNorm) ? g.Min(g.Div(g.constant(maxGradNorm, dt), g.Add(norm, 1e-6)), 1) : g.Identity(g.constant(1, dt));
    g.output(clip, 'optim.clip_scale');

    // Scalars shared by all updates: lr/bc1 and sqrt(bc2).
    const stepSize = g.Div(lr, g.Sub(1, g.Pow(g.constant(adamw.beta1, dt), step)));
    const sqrtBc2 = g.Sqrt(g.Sub(1, g.Pow(g.constant(adamw.beta2, dt), step)));
    const decayFactor = g.Sub(1, g.Mul(lr, adamw.weightDecay));

    const slots: ParamSlot[] = work.map(({ p, grad }) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      const base = {
        name: p.name, shape: p.shape, decay: p.decay, init: p.data,
        accIn: options.accumulation ? `optim.acc.${p.name}` : null,
        accOut: options.accumulation ? `optim.new_acc.${p.name}` : null,
        rows: p.rows?.index.name ?? null,
      };
      if (size >= threshold && !p.rows) {
        g.output(grad, `optim.grad.${p.name}`);
        return { ...base, inGraph: false, mIn: null, vIn: null, paramOut: null, mOut: null, vOut: null, gradOut: `optim.grad.${p.name}` };
      }
      return g.scope(p.name, () => {
        // A row parameter updates the rows it read: its value's and moments' rows, gathered here.
        const rowsOf = (x: Value) => (p.rows ? g.Gather(x, p.rows.index, { axis: 0 }) : x);
        const m = rowsOf(g.input(`optim.m.${p.name}`, dt, p.shape));
        const v = rowsOf(g.input(`optim.v.${p.name}`, dt, p.shape));
        const value = p.rows?.value ?? p.value;
        const gc = g.Mul(grad, clip);
        const m2 = g.Add(g.Mul(m, adamw.beta1), g.Mul(gc, 1 - adamw.beta1));
        const v2 = g.Add(g.Mul(v, adamw.beta2), g.Mul(g.Mul(gc, gc), 1 - adamw.beta2));
        const denom = g.Add(g.Div(g.Sqrt(v2), sqrtBc2), adamw.eps);
        const decayed = p.decay && adamw.weightDecay !== 0 ? g.Mul(value, decayFactor) : value;
        const p2 = g.Sub(decayed, g.Mul(stepSize, g.Div(m2, denom)));
        g.output(unlessSkipped(p2, value), `optim.new.${p.name}`);
        g.output(unlessSkipped(m2, m), `optim.new_m.${p.name}`);
        g.output(unlessSkipped(v2, v), `optim.new_v.${p.name}`);
        return {
          ...base, inGraph: true, mIn: `optim.m.${p.name}`, vIn: `optim.v.${p.name}`, paramOut: `optim.new.${p.name}`,
          mOut: `optim.new_m.${p.name}`, vOut: `optim.new_v.${p.name}`, gradOut: null,
        };
      });
    });

    const outputOnce = (v: Value, name: string): string => (g.outputs.some((o) => o.name === name) ? name : g.output(v, name).name);
    outputOnce(options.loss, 'loss');
    // Extra outputs (logits) are returned in float32 whatever the compute precision.
    const extraOutputs = Object.entries(options.outputs ?? {}).map(([name, v]) => outputOnce(v.dtype === 'float16' ? g.Cast(v, { to: dt }) : v, name));
    return {
      onnx: toOnnx(g, options.serialize),
      dtype: dt === 'float64' ? 'float64' : 'float32',
      slots,
      batchInputs,
      stepInput: step.name,
      lrInput: lr.name,
      lossScaleInput: lossScale ? lossScale.name : null,
      finiteOutput: finite ? 'optim.finite' : null,
      gradScaleInput: gradScale ? gradScale.name : null,
      lossOutput: 'loss',
      gradNormOutput: 'optim.grad_norm',
      clipScaleOutput: 'optim.clip_scale',
      extraOutputs,
      adamw,
      maxGradNorm,
    };
  });
}
