import * as ort from 'onnxruntime-node';
import { Graph } from '../graph/graph.ts';
import { toOnnx } from '../graph/serialize.ts';
import { adamwUpdateInPlace } from '../optim/adamw.ts';
import type { ParamSlot, TrainStep } from '../optim/train-step.ts';
import type { ProviderName } from './providers.ts';
import { type SessionConfig, createSession, keepsTensorsOnDevice } from './session.ts';

type Floats = Float32Array | Float64Array;

/** Bytes that crossed between host and device in the last run (what a GPU provider must copy). */
export interface StepTransfer {
  /** Inputs given as host arrays: the batch, masks, scalars, and any state not kept on the device. */
  toDevice: number;
  /** Outputs returned as host arrays: loss, norms, logits, and any state not kept on the device. */
  fromDevice: number;
}

function hostBytes(tensors: Iterable<ort.Tensor>): number {
  let n = 0;
  for (const t of tensors) if (t.location === 'cpu' || t.location === undefined) n += (t.data as ArrayBufferView).byteLength;
  return n;
}

/** Batch feeds by graph input name (ids, masks, labels, dropout masks). */
export type Feeds = Record<string, ort.Tensor>;

export interface StepResult {
  loss: number;
  /** Mixed precision: a gradient overflowed, so the step changed nothing and the loss scale halved. */
  skipped: boolean;
  /** Global gradient norm before clipping (null for accumulation runs). */
  gradNorm: number | null;
  /** The extra outputs requested when the step was built (logits), by name. */
  outputs: Record<string, ort.Tensor>;
}

/** Optimizer state for checkpoints: parameters and moments by parameter name, and the step count. */
export interface RunnerState {
  step: number;
  /** Mixed precision: the dynamic loss scale and the finite steps since it last changed. */
  lossScale?: { scale: number; goodSteps: number };
  params: Record<string, Floats>;
  m: Record<string, Floats>;
  v: Record<string, Floats>;
}

/**
 * Dynamic loss scaling for mixed precision, as PyTorch's GradScaler: start at 2^16, halve and skip
 * the step when a gradient overflows, double after `growthInterval` finite steps in a row.
 */
export class LossScaler {
  scale = 2 ** 16;
  goodSteps = 0;
  growthInterval = 2000;
  /** Below this every step has overflowed for a long time: the run cannot train in float16. */
  static readonly MIN_SCALE = 2 ** -24;

  /** Records one step's outcome; returns whether its update counts. */
  update(finite: boolean): boolean {
    if (!finite) {
      this.scale /= 2;
      this.goodSteps = 0;
      if (this.scale < LossScaler.MIN_SCALE) {
        throw new Error(`every gradient overflows in float16 even with the loss scaled by ${this.scale.toExponential(1)}; ` +
          'turn mixed precision off or lower the learning rate');
      }
      return false;
    }
    if (++this.goodSteps >= this.growthInterval) {
      this.scale *= 2;
      this.goodSteps = 0;
    }
    return true;
  }
}

/**
 * Drives a TrainStep graph: owns the trainable parameters and AdamW moments and feeds each run's
 * outputs back as the next run's inputs. One `step()` is one optimizer step; with gradient
 * accumulation, call `accumulate()` for the first N-1 micro-batches.
 *
 * On a provider that keeps tensors on the device (WebGPU), parameters, moments and accumulators stay
 * there between steps as device tensors; the host arrays are brought up to date only by `sync()`,
 * which checkpoints and validation call when they need the values.
 */
export class TrainStepRunner {
  private params = new Map<string, Floats>();
  private m = new Map<string, Floats>();
  private v = new Map<string, Floats>();
  private acc = new Map<string, Floats>();
  /** Device copies by state key (`p:`, `m:`, `v:`, `a:` + name); newer than the host arrays when present. */
  private device = new Map<string, ort.Tensor>();
  /** The session `sync()` reads device state with, and the state keys it was built for. */
  private readback: { keys: string[]; session: ort.InferenceSession } | null = null;
  /** Whether a device copy changed since the last `sync()`. */
  private stale = false;
  private micro = 0;
  private t = 0;
  /** Host-device traffic of the last run. */
  lastTransfer: StepTransfer = { toDevice: 0, fromDevice: 0 };
  /** The loss scale of a mixed-precision step (unused otherwise). */
  readonly lossScaler = new LossScaler();

  /** The step's description without its model bytes and initial values (see `create`). */
  readonly spec: TrainStep;

  private constructor(
    spec: TrainStep,
    private readonly session: ort.InferenceSession,
    /** The provider in use and, when it differs from the one asked for, why. */
    readonly provider: ProviderName,
    readonly fallbackReason: string | null,
  ) {
    this.spec = spec;
    for (const s of spec.slots) {
      this.params.set(s.name, s.init.slice());
      this.m.set(s.name, this.zeros(s));
      this.v.set(s.name, this.zeros(s));
      if (s.accIn) this.acc.set(s.name, this.zeros(s));
    }
    // The session has its own copy of the model, so the runner keeps neither the serialized bytes
    // (about 330 MB for a RoBERTa of CodeBERTa's size, frozen weights included) nor the initial
    // parameter values: a caller that drops its TrainStep gets that memory back.
    const empty = spec.dtype === 'float64' ? new Float64Array(0) : new Float32Array(0);
    this.spec = { ...spec, onnx: new Uint8Array(0), slots: spec.slots.map((s) => ({ ...s, init: empty })) };
  }

  static async create(spec: TrainStep, config: SessionConfig = {}): Promise<TrainStepRunner> {
    const { session, provider, fallbackReason } = await createSession(spec.onnx, { deviceOutputs: stateOutputs(spec), ...config });
    return new TrainStepRunner(spec, session, provider, fallbackReason);
  }

  /** Whether parameters and moments stay on the device between steps. */
  get stateOnDevice(): boolean {
    return keepsTensorsOnDevice(this.provider);
  }

  private zeros(s: ParamSlot): Floats {
    const n = s.shape.reduce((a, b) => a * b, 1);
    return this.spec.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  private tensor(data: Floats, shape: readonly number[]): ort.Tensor {
    return new ort.Tensor(this.spec.dtype, data, shape as number[]);
  }

  private scalar(x: number): ort.Tensor {
    return this.tensor(this.spec.dtype === 'float64' ? Float64Array.of(x) : Float32Array.of(x), []);
  }

  private feeds(batch: Feeds, lr: number, step: number): Feeds {
    const f: Feeds = { ...batch };
    for (const b of this.spec.batchInputs) {
      if (!(b.name in batch)) throw new Error(`training step: batch input "${b.name}" was not given`);
    }
    f[this.spec.stepInput] = this.scalar(step);
    f[this.spec.lrInput] = this.scalar(lr);
    if (this.spec.gradScaleInput) f[this.spec.gradScaleInput] = this.scalar(1 / (this.micro + 1));
    if (this.spec.lossScaleInput) f[this.spec.lossScaleInput] = this.scalar(this.lossScaler.scale);
    for (const s of this.spec.slots) {
      f[s.name] = this.device.get(`p:${s.name}`) ?? this.tensor(this.params.get(s.name)!, s.shape);
      if (s.mIn) f[s.mIn] = this.device.get(`m:${s.name}`) ?? this.tensor(this.m.get(s.name)!, s.shape);
      if (s.vIn) f[s.vIn] = this.device.get(`v:${s.name}`) ?? this.tensor(this.v.get(s.name)!, s.shape);
      if (s.accIn) f[s.accIn] = this.device.get(`a:${s.name}`) ?? this.tensor(this.acc.get(s.name)!, s.shape);
    }
    return f;
  }

  /** Runs the session and counts what crossed between host and device. */
  private async run(feeds: Feeds, fetches?: string[]): Promise<ort.InferenceSession.OnnxValueMapType> {
    const out = fetches ? await this.session.run(feeds, fetches) : await this.session.run(feeds);
    this.lastTransfer = { toDevice: hostBytes(Object.values(feeds)), fromDevice: hostBytes(Object.values(out) as ort.Tensor[]) };
    return out;
  }

  /**
   * Takes a state output: a device tensor replaces the previous device copy (freed), a host one
   * replaces the host array.
   */
  private keep(key: string, host: Map<string, Floats>, name: string, t: ort.Tensor): void {
    const old = this.device.get(key);
    if (t.location === 'gpu-buffer') {
      this.device.set(key, t);
      this.stale = true;
      if (old && old !== t) old.dispose();
    } else {
      if (old) old.dispose();
      this.device.delete(key);
      host.set(name, t.data as Floats);
    }
  }

  /** Zeroes the accumulators (host arrays; a device copy is dropped so the zeros are used). */
  private clearAccumulators(): void {
    for (const s of this.spec.slots) {
      if (!s.accIn) continue;
      this.device.get(`a:${s.name}`)?.dispose();
      this.device.delete(`a:${s.name}`);
      this.acc.get(s.name)!.fill(0);
    }
  }

  /**
   * Brings the host arrays up to date with the device copies (before a checkpoint or validation).
   * onnxruntime-node 1.30 cannot download a gpu-buffer tensor (its `download` callback throws and takes the process down), so
   * a second session on the same device, one Identity per state tensor with host outputs, reads them.
   */
  async sync(): Promise<void> {
    if (!this.stale) return;
    const keys = [...this.device.keys()];
    if (!this.readback || this.readback.keys.join('\n') !== keys.join('\n')) {
      await this.readback?.session.release();
      const g = new Graph({ name: 'langlab-readback', target: 'webgpu' });
      keys.forEach((key, i) => {
        const t = this.device.get(key)!;
        g.output(g.Identity(g.input(`in${i}`, this.spec.dtype, t.dims as number[])), `out${i}`);
      });
      const { session } = await createSession(toOnnx(g), { provider: this.provider });
      this.readback = { keys, session };
    }
    const feeds: Feeds = Object.fromEntries(keys.map((key, i) => [`in${i}`, this.device.get(key)!]));
    const out = await this.readback.session.run(feeds);
    keys.forEach((key, i) => {
      const [kind, name] = [key.slice(0, 1), key.slice(2)];
      const host = kind === 'p' ? this.params : kind === 'm' ? this.m : kind === 'v' ? this.v : this.acc;
      host.set(name, out[`out${i}`].data as Floats);
    });
    this.stale = false;
  }

  private dropDevice(): void {
    for (const t of this.device.values()) t.dispose();
    this.device.clear();
    this.stale = false;
  }

  /** Adds this micro-batch's gradient to the accumulators without updating parameters. */
  async accumulate(batch: Feeds): Promise<StepResult> {
    if (!this.spec.gradScaleInput) throw new Error('this training step was built without accumulation (accumulation: true)');
    const fetches = [this.spec.lossOutput, ...this.spec.extraOutputs, ...this.spec.slots.map((s) => s.accOut!)];
    const out = await this.run(this.feeds(batch, 0, Math.max(1, this.t + 1)), fetches);
    for (const s of this.spec.slots) this.keep(`a:${s.name}`, this.acc, s.name, out[s.accOut!] as ort.Tensor);
    this.micro++;
    return this.result(out, null, false);
  }

  /** One optimizer step at learning rate `lr` (applying any accumulated micro-batches). */
  async step(batch: Feeds, lr: number): Promise<StepResult> {
    const t = this.t + 1;
    const out = await this.run(this.feeds(batch, lr, t));
    const clip = Number(out[this.spec.clipScaleOutput].data[0]);
    // A skipped step's graph outputs are its inputs (kept below, so device copies stay current).
    const counts = this.spec.finiteOutput ? this.lossScaler.update(Boolean(out[this.spec.finiteOutput].data[0])) : true;
    for (const s of this.spec.slots) {
      if (s.rows) {
        const index = rowIndex(batch, s.rows);
        scatterRows(this.params.get(s.name)!, s.shape[1], index, out[s.paramOut!].data as Floats);
        scatterRows(this.m.get(s.name)!, s.shape[1], index, out[s.mOut!].data as Floats);
        scatterRows(this.v.get(s.name)!, s.shape[1], index, out[s.vOut!].data as Floats);
      } else if (s.inGraph) {
        this.keep(`p:${s.name}`, this.params, s.name, out[s.paramOut!] as ort.Tensor);
        this.keep(`m:${s.name}`, this.m, s.name, out[s.mOut!] as ort.Tensor);
        this.keep(`v:${s.name}`, this.v, s.name, out[s.vOut!] as ort.Tensor);
      } else if (counts) {
        adamwUpdateInPlace(this.params.get(s.name)!, out[s.gradOut!].data as Floats, this.m.get(s.name)!, this.v.get(s.name)!, {
          lr, step: t, decay: s.decay, gradScale: clip, config: this.spec.adamw,
        });
      }
    }
    this.clearAccumulators();
    this.micro = 0;
    if (counts) this.t = t;
    return this.result(out, Number(out[this.spec.gradNormOutput].data[0]), !counts);
  }

  private result(out: ort.InferenceSession.OnnxValueMapType, gradNorm: number | null, skipped: boolean): StepResult {
    const outputs: Record<string, ort.Tensor> = {};
    for (const n of this.spec.extraOutputs) outputs[n] = out[n] as ort.Tensor;
    return { loss: Number(out[this.spec.lossOutput].data[0]), gradNorm, outputs, skipped };
  }

  /** Optimizer steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * Current value of a trainable parameter (the runner's own array; copy it to keep it). When state
   * is kept on the device, call `sync()` first.
   */
  param(name: string): Floats {
    if (this.stale && this.device.has(`p:${name}`)) throw new Error(`parameter "${name}" is on the device: call sync() first`);
    const p = this.params.get(name);
    if (!p) throw new Error(`no trainable parameter "${name}" (known: ${[...this.params.keys()].join(', ')})`);
    return p;
  }

  /** Parameters, moments and step, for a checkpoint (copies). */
  getState(): RunnerState {
    if (this.stale) throw new Error('training state is on the device: call sync() before getState()');
    const copy = (m: Map<string, Floats>) => Object.fromEntries([...m].map(([k, a]) => [k, a.slice()]));
    return {
      step: this.t, params: copy(this.params), m: copy(this.m), v: copy(this.v),
      ...(this.spec.lossScaleInput ? { lossScale: { scale: this.lossScaler.scale, goodSteps: this.lossScaler.goodSteps } } : {}),
    };
  }

  /** Restores a checkpoint; every trainable parameter must be present with its exact size. */
  setState(state: RunnerState): void {
    this.dropDevice();
    for (const s of this.spec.slots) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      for (const [what, src, dst] of [['parameter', state.params, this.params], ['first moment', state.m, this.m], ['second moment', state.v, this.v]] as const) {
        const a = src[s.name];
        if (!a || a.length !== n) throw new Error(`checkpoint ${what} "${s.name}" is ${a ? `${a.length} values` : 'missing'}, expected ${n}`);
        dst.set(s.name, a.slice());
      }
    }
    this.clearAccumulators();
    if (state.lossScale) Object.assign(this.lossScaler, state.lossScale);
    this.t = state.step;
    this.micro = 0;
  }

  async release(): Promise<void> {
    this.dropDevice();
    await this.readback?.session.release();
    this.readback = null;
    await this.session.release();
  }
}

/** The row numbers a row-sparse parameter reads this step (an int64 batch input, each row once). */
function rowIndex(batch: Feeds, name: string): BigInt64Array {
  const t = batch[name];
  if (!t || t.type !== 'int64') throw new Error(`training step: row index "${name}" must be an int64 batch input`);
  return t.data as BigInt64Array;
}

/** Writes `rows` (the rows `index` names, in that order) back into a [rows, width] table. */
function scatterRows(table: Floats, width: number, index: BigInt64Array, rows: Floats): void {
  // A set() per row measured about twice as fast as an element loop (one memcpy each).
  for (let j = 0; j < index.length; j++) table.set(rows.subarray(j * width, (j + 1) * width), Number(index[j]) * width);
}

/** The outputs that carry training state from one run to the next (kept on the device when possible). */
function stateOutputs(spec: TrainStep): string[] {
  return spec.slots.flatMap((s) => [s.paramOut, s.mOut, s.vOut, s.accOut].filter((n): n is string => n !== null));
}
