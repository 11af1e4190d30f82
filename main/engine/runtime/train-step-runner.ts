import * as ort from 'onnxruntime-node';
import { adamwUpdateInPlace } from '../optim/adamw.ts';
import type { ParamSlot, TrainStep } from '../optim/train-step.ts';
import type { ProviderName } from './providers.ts';
import { type SessionConfig, createSession } from './session.ts';

type Floats = Float32Array | Float64Array;

/** Batch feeds by graph input name (ids, masks, labels, dropout masks). */
export type Feeds = Record<string, ort.Tensor>;

export interface StepResult {
  loss: number;
  /** Global gradient norm before clipping (null for accumulation runs). */
  gradNorm: number | null;
  /** The extra outputs requested when the step was built (logits), by name. */
  outputs: Record<string, ort.Tensor>;
}

/** Optimizer state for checkpoints: parameters and moments by parameter name, and the step count. */
export interface RunnerState {
  step: number;
  params: Record<string, Floats>;
  m: Record<string, Floats>;
  v: Record<string, Floats>;
}

/**
 * Drives a TrainStep graph: owns the trainable parameters and AdamW moments as typed arrays and feeds
 * each run's outputs back as the next run's inputs. One `step()` is one optimizer step; with gradient
 * accumulation, call `accumulate()` for the first N-1 micro-batches.
 */
export class TrainStepRunner {
  private params = new Map<string, Floats>();
  private m = new Map<string, Floats>();
  private v = new Map<string, Floats>();
  private acc = new Map<string, Floats>();
  private micro = 0;
  private t = 0;

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
    const { session, provider, fallbackReason } = await createSession(spec.onnx, config);
    return new TrainStepRunner(spec, session, provider, fallbackReason);
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
    for (const s of this.spec.slots) {
      f[s.name] = this.tensor(this.params.get(s.name)!, s.shape);
      if (s.mIn) f[s.mIn] = this.tensor(this.m.get(s.name)!, s.shape);
      if (s.vIn) f[s.vIn] = this.tensor(this.v.get(s.name)!, s.shape);
      if (s.accIn) f[s.accIn] = this.tensor(this.acc.get(s.name)!, s.shape);
    }
    return f;
  }

  /** Adds this micro-batch's gradient to the accumulators without updating parameters. */
  async accumulate(batch: Feeds): Promise<StepResult> {
    if (!this.spec.gradScaleInput) throw new Error('this training step was built without accumulation (accumulation: true)');
    const fetches = [this.spec.lossOutput, ...this.spec.extraOutputs, ...this.spec.slots.map((s) => s.accOut!)];
    const out = await this.session.run(this.feeds(batch, 0, Math.max(1, this.t + 1)), fetches);
    for (const s of this.spec.slots) this.acc.set(s.name, out[s.accOut!].data as Floats);
    this.micro++;
    return this.result(out, null);
  }

  /** One optimizer step at learning rate `lr` (applying any accumulated micro-batches). */
  async step(batch: Feeds, lr: number): Promise<StepResult> {
    const t = this.t + 1;
    const out = await this.session.run(this.feeds(batch, lr, t));
    const clip = Number(out[this.spec.clipScaleOutput].data[0]);
    for (const s of this.spec.slots) {
      if (s.inGraph) {
        this.params.set(s.name, out[s.paramOut!].data as Floats);
        this.m.set(s.name, out[s.mOut!].data as Floats);
        this.v.set(s.name, out[s.vOut!].data as Floats);
      } else {
        adamwUpdateInPlace(this.params.get(s.name)!, out[s.gradOut!].data as Floats, this.m.get(s.name)!, this.v.get(s.name)!, {
          lr, step: t, decay: s.decay, gradScale: clip, config: this.spec.adamw,
        });
      }
      if (s.accIn) this.acc.get(s.name)!.fill(0);
    }
    this.micro = 0;
    this.t = t;
    return this.result(out, Number(out[this.spec.gradNormOutput].data[0]));
  }

  private result(out: ort.InferenceSession.OnnxValueMapType, gradNorm: number | null): StepResult {
    const outputs: Record<string, ort.Tensor> = {};
    for (const n of this.spec.extraOutputs) outputs[n] = out[n] as ort.Tensor;
    return { loss: Number(out[this.spec.lossOutput].data[0]), gradNorm, outputs };
  }

  /** Optimizer steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /** Current value of a trainable parameter (the runner's own array; copy it to keep it). */
  param(name: string): Floats {
    const p = this.params.get(name);
    if (!p) throw new Error(`no trainable parameter "${name}" (known: ${[...this.params.keys()].join(', ')})`);
    return p;
  }

  /** Parameters, moments and step, for a checkpoint (copies). */
  getState(): RunnerState {
    const copy = (m: Map<string, Floats>) => Object.fromEntries([...m].map(([k, a]) => [k, a.slice()]));
    return { step: this.t, params: copy(this.params), m: copy(this.m), v: copy(this.v) };
  }

  /** Restores a checkpoint; every trainable parameter must be present with its exact size. */
  setState(state: RunnerState): void {
    for (const s of this.spec.slots) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      for (const [what, src, dst] of [['parameter', state.params, this.params], ['first moment', state.m, this.m], ['second moment', state.v, this.v]] as const) {
        const a = src[s.name];
        if (!a || a.length !== n) throw new Error(`checkpoint ${what} "${s.name}" is ${a ? `${a.length} values` : 'missing'}, expected ${n}`);
        dst.set(s.name, a.slice());
      }
      if (s.accIn) this.acc.get(s.name)!.fill(0);
    }
    this.t = state.step;
    this.micro = 0;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
