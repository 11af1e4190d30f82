// The engine's part of bench/gpu-check.sh: what a GPU provider does with Langlab's training graphs.
// Prints one JSON line per check (provider start, op placement, parity with the CPU, speed).
// Usage: node --import tsx bench/gpu-check.ts [--provider webgpu] [--only start,ops,placement,parity,speed,host] [--precision both]
// On the GPU machine it runs as the bundle scripts/pack-gpu-check.mjs makes (no tsx there).
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { Graph, type Target } from '../main/engine/graph/graph.ts';
import { softmaxCrossEntropy } from '../main/engine/graph/nn.ts';
import { toOnnx } from '../main/engine/graph/serialize.ts';
import { tinyRobertaConfig, tinyRobertaWeights } from '../main/engine/io/tiny-roberta.ts';
import { DropoutInputs } from '../main/engine/models/dropout-inputs.ts';
import { Rng } from '../main/engine/models/init.ts';
import { buildRoberta } from '../main/engine/models/roberta.ts';
import { buildScratch, initScratchWeights, scratchConfig } from '../main/engine/models/scratch.ts';
import { MaskGenerator } from '../main/engine/optim/dropout-mask.ts';
import { type TrainStep, buildTrainStep } from '../main/engine/optim/train-step.ts';
import type { ProviderName } from '../main/engine/runtime/providers.ts';
import { type Feeds, TrainStepRunner } from '../main/engine/runtime/train-step-runner.ts';
import { CODEBERTA_SHAPE, SCRATCH_SHAPE } from './configs.ts';

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'webgpu' },
    only: { type: 'string', default: 'start,placement,parity,speed' },
    'speed-steps': { type: 'string', default: '6' },
    /** 'host' feeds parameters and moments from host arrays every step (no device-resident state). */
    state: { type: 'string', default: 'device' },
    /** 'float32', 'mixed' (float16 compute, float32 master weights) or 'both'. */
    precision: { type: 'string', default: 'both' },
    /** Overrides every dropout rate (0 measures a step without the masks' upload). */
    dropout: { type: 'string' },
    /** onnxruntime's verbose log on stderr (node placements). */
    verbose: { type: 'boolean', default: false },
  },
});
if (values.verbose) ort.env.logLevel = 'verbose';
const LOG: ort.InferenceSession.SessionOptions = values.verbose ? { logSeverityLevel: 0, logVerbosityLevel: 1 } : {};
const STATE = values.state === 'host' ? { deviceOutputs: [] as string[] } : {};
const DROPOUT = values.dropout === undefined ? null : Number(values.dropout);
const provider = values.provider as ProviderName;
const only = new Set(values.only!.split(','));
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify({ provider, ...o }));
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' | ').slice(0, 600);
/** Session option that makes creation fail, naming the node, when any node would run on the CPU. */
const STRICT = { extra: { session: { disable_cpu_ep_fallback: '1' } } } as ort.InferenceSession.SessionOptions;

interface Model {
  family: 'scratch' | 'roberta';
  seq: number;
  batch: number;
  numLabels: number;
  build(target: Target, mixedPrecision?: boolean): { step: TrainStep; drop: DropoutInputs; vocab: number; first: number | null };
}

function model(family: 'scratch' | 'roberta', size: 'tiny' | 'bench', seq: number, batch: number, unfreeze = 2): Model {
  const numLabels = 8;
  return {
    family, seq, batch, numLabels,
    build(target, mixedPrecision = false) {
      const g = new Graph({ target });
      const drop = new DropoutInputs();
      const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
      const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
      let logits;
      let vocab = 256;
      let first: number | null = null;
      if (family === 'scratch') {
        const shape = size === 'tiny' ? { d_model: 64, num_layers: 2, num_heads: 4, dim_feedforward: 128, dropout: 0.1 } : SCRATCH_SHAPE;
        const c = scratchConfig(numLabels, { ...shape, max_length: seq, ...(DROPOUT === null ? {} : { dropout: DROPOUT, attention_dropout: DROPOUT }) });
        logits = buildScratch(g, { inputIds, attentionMask }, { config: c, weights: initScratchWeights(c, 1), inference: false }, drop.fn);
      } else {
        const base = tinyRobertaConfig(size === 'tiny' ? { seed: 1, max_length: seq } : { ...CODEBERTA_SHAPE, seed: 1 });
        const rc = DROPOUT === null ? base : { ...base, hidden_dropout_prob: DROPOUT, attention_probs_dropout_prob: DROPOUT };
        const w = tinyRobertaWeights(rc, { seed: 1 });
        const encoder = new Map([...w].map(([k, t]) => [k.replace(/^roberta\./, ''), t.data as Float32Array]));
        const labels = Array.from({ length: numLabels }, (_, i) => `l${i}`);
        logits = buildRoberta(g, { inputIds, attentionMask }, {
          config: rc, encoder, head: null, labels, inference: false,
          training: { freeze_base_model: true, unfreeze_last_n_layers: unfreeze },
        }, drop.fn).logits;
        vocab = rc.vocab_size;
        first = 0;
      }
      const labels = g.input('labels', 'int64', ['batch']);
      const step = buildTrainStep(g, {
        loss: softmaxCrossEntropy(g, logits, labels), outputs: { logits }, maxGradNorm: 1.0,
        ...(target === 'webgpu' ? { outsideThreshold: Infinity } : {}),
        mixedPrecision,
      });
      return { step, drop, vocab, first };
    },
  };
}

function batches(m: Model, vocab: number, first: number | null, n: number, drop: DropoutInputs): Feeds[] {
  const rng = new Rng(11);
  const gen = new MaskGenerator(5);
  const out: Feeds[] = [];
  for (let k = 0; k < n; k++) {
    const ids = new BigInt64Array(m.batch * m.seq);
    for (let i = 0; i < ids.length; i++) ids[i] = BigInt(4 + Math.floor(rng.next() * (vocab - 4)));
    if (first !== null) for (let b = 0; b < m.batch; b++) ids[b * m.seq] = BigInt(first);
    // Labels follow the first token so the loss has something to learn in 20 steps.
    const y = BigInt64Array.from({ length: m.batch }, (_, b) => ids[b * m.seq + 1] % BigInt(m.numLabels));
    const masks = drop.masks(gen, { batch: m.batch, seq: m.seq });
    // drop.masks reuses its buffers: copy so every step keeps its own masks.
    const own = Object.fromEntries(Object.entries(masks).map(([k2, t]) => [k2, new ort.Tensor(t.type as 'uint8' | 'bool', (t.data as Uint8Array).slice(), t.dims)]));
    out.push({
      input_ids: new ort.Tensor('int64', ids, [m.batch, m.seq]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(m.batch * m.seq).fill(1n), [m.batch, m.seq]),
      labels: new ort.Tensor('int64', y, [m.batch]),
      ...own,
    });
  }
  return out;
}

async function start(): Promise<void> {
  const g = new Graph({ target: 'webgpu' });
  const a = g.input('a', 'float32', [256, 256]);
  g.output(g.MatMul(a, a), 'c');
  const t0 = performance.now();
  try {
    const s = await ort.InferenceSession.create(toOnnx(g), { executionProviders: [provider], ...STRICT });
    const x = new ort.Tensor('float32', Float32Array.from({ length: 65536 }, (_, i) => (i % 7) / 7), [256, 256]);
    const out = await s.run({ a: x });
    emit({ check: 'start', ok: true, ms: Math.round(performance.now() - t0), sample: (out.c.data as Float32Array)[1] });
  } catch (e) {
    emit({ check: 'start', ok: false, ms: Math.round(performance.now() - t0), error: errText(e) });
  }
}

/**
 * Which integer and random ops the provider runs on the device: what drawing dropout masks on the GPU
 * (a counter-based hash of a per-step seed and the element index) would need. Each op runs alone in
 * a strict session (no CPU fallback) and its result is compared with the CPU's.
 */
async function ops(): Promise<void> {
  const n = 1024;
  const cases: { op: string; dtype: 'int32' | 'float32'; arity: number; attrs?: Record<string, number | string> }[] = [
    { op: 'Add', dtype: 'int32', arity: 2 }, { op: 'Mul', dtype: 'int32', arity: 2 }, { op: 'Sub', dtype: 'int32', arity: 2 },
    { op: 'Div', dtype: 'int32', arity: 2 }, { op: 'Mod', dtype: 'int32', arity: 2 }, { op: 'BitwiseXor', dtype: 'int32', arity: 2 },
    { op: 'BitwiseAnd', dtype: 'int32', arity: 2 }, { op: 'BitwiseOr', dtype: 'int32', arity: 2 }, { op: 'Less', dtype: 'int32', arity: 2 },
    { op: 'Sin', dtype: 'float32', arity: 1 }, { op: 'Floor', dtype: 'float32', arity: 1 }, { op: 'RandomUniformLike', dtype: 'float32', arity: 1 },
  ];
  for (const c of cases) {
    const g = new Graph({ target: 'webgpu' });
    const a = g.input('a', c.dtype, [n]);
    const outDtype = c.op === 'Less' ? 'bool' : c.dtype;
    const inputs = c.arity === 2 ? [a, g.input('b', c.dtype, [n])] : [a];
    const [y] = g.emit(c.op as Parameters<Graph['emit']>[0], inputs, c.op === 'Mod' ? { fmod: 0 } : {}, [{ dtype: outDtype, shape: [n] }]);
    g.output(y, 'y');
    const make = (k: number) => c.dtype === 'int32'
      ? new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => (Math.imul(i + k, 2654435761) | 0) % (k ? 100000 : 2 ** 31 - 1) || 7), [n])
      : new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => (i + k) * 0.37), [n]);
    const feeds: Record<string, ort.Tensor> = c.arity === 2 ? { a: make(0), b: make(3) } : { a: make(0) };
    try {
      const model = toOnnx(g);
      const gpuS = await ort.InferenceSession.create(model, { executionProviders: [provider], ...STRICT });
      const cpuS = await ort.InferenceSession.create(model);
      const yg = (await gpuS.run(feeds)).y.data as ArrayLike<number>;
      const yc = (await cpuS.run(feeds)).y.data as ArrayLike<number>;
      let same = 0;
      for (let i = 0; i < n; i++) if (Number(yg[i]) === Number(yc[i]) || Math.abs(Number(yg[i]) - Number(yc[i])) < 1e-4) same++;
      emit({ check: 'op', op: c.op, dtype: c.dtype, on_device: true, same_as_cpu: `${same}/${n}` });
    } catch (e) {
      emit({ check: 'op', op: c.op, dtype: c.dtype, on_device: false, error: errText(e).slice(0, 200) });
    }
  }
}

async function placement(m: Model): Promise<void> {
  const { step } = m.build('webgpu');
  try {
    const s = await ort.InferenceSession.create(step.onnx, { executionProviders: [provider], ...STRICT });
    await s.release();
    emit({ check: 'placement', family: m.family, all_nodes_on_device: true });
  } catch (e) {
    emit({ check: 'placement', family: m.family, all_nodes_on_device: false, error: errText(e) });
  }
}

/** The first `steps` losses of one graph (float32 or mixed) on the GPU against the same graph on the CPU. */
async function parity(m: Model, mixed: boolean, steps = 20): Promise<void> {
  const { step, drop, vocab, first } = m.build('webgpu', mixed);
  const data = batches(m, vocab, first, steps, drop);
  const gpu = await TrainStepRunner.create(step, { provider, ...STATE, extra: LOG });
  const t0 = performance.now();
  if (gpu.provider !== provider) {
    emit({ check: 'parity', family: m.family, skipped: true, fallback: gpu.fallbackReason });
    await gpu.release();
    return;
  }
  const cpu = await TrainStepRunner.create(step, { provider: 'cpu', intraOpNumThreads: 4 });
  const lc: number[] = [];
  const lg: number[] = [];
  let skipped = 0;
  for (const f of data) {
    lc.push((await cpu.step(f, 1e-3)).loss);
    const r = await gpu.step(f, 1e-3);
    lg.push(r.loss);
    if (r.skipped) skipped++;
  }
  const s0 = performance.now();
  await gpu.sync();
  const syncMs = performance.now() - s0;
  const runMs = s0 - t0;
  let maxParam = 0;
  for (const s of step.slots) {
    const a = cpu.param(s.name);
    const b = gpu.param(s.name);
    for (let i = 0; i < a.length; i++) maxParam = Math.max(maxParam, Math.abs(a[i] - b[i]));
  }
  const maxLoss = Math.max(...lc.map((x, i) => Math.abs(x - lg[i])));
  emit({
    check: 'parity', family: m.family, precision: mixed ? 'mixed' : 'float32', skipped_steps: skipped, seq: m.seq, batch: m.batch, steps,
    used: gpu.provider, fallback: gpu.fallbackReason,
    state_on_device: gpu.stateOnDevice && values.state !== 'host', max_abs_loss_diff: maxLoss, max_abs_param_diff: maxParam,
    sync_ms: Math.round(syncMs), both_runs_ms: Math.round(runMs), losses_cpu: lc.map((x) => +x.toFixed(6)), losses_gpu: lg.map((x) => +x.toFixed(6)),
  });
  await cpu.release();
  await gpu.release();
}

async function speed(m: Model, keepOnDevice: boolean, label: string, mixed = false): Promise<void> {
  const n = Number(values['speed-steps']);
  const t0 = performance.now();
  const built = m.build('webgpu', mixed);
  const runner = await TrainStepRunner.create(built.step, { provider, ...(keepOnDevice ? {} : { deviceOutputs: [] }) });
  const setup = (performance.now() - t0) / 1000;
  if (runner.provider !== provider) {
    emit({ check: 'speed', config: label, skipped: true, fallback: runner.fallbackReason });
    await runner.release();
    return;
  }
  const data = batches(m, built.vocab, built.first, 2, built.drop);
  // What the host spends drawing one step's dropout masks (the trainer does this every step).
  const g0 = performance.now();
  built.drop.masks(new MaskGenerator(7), { batch: m.batch, seq: m.seq });
  const maskMs = performance.now() - g0;
  for (let i = 0; i < 3; i++) await runner.step(data[i % 2], 1e-4);
  const s0 = performance.now();
  let loss = 0;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const r = await runner.step(data[i % 2], 1e-4);
    loss = r.loss;
    if (r.skipped) skipped++;
  }
  const stepS = (performance.now() - s0) / 1000 / n;
  const s1 = performance.now();
  await runner.sync();
  const syncS = (performance.now() - s1) / 1000;
  const trainable = built.step.slots.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  emit({
    check: 'speed', config: label, precision: mixed ? 'mixed' : 'float32', skipped_steps: skipped, family: m.family, seq: m.seq, batch: m.batch, used: runner.provider, fallback: runner.fallbackReason,
    state_on_device: runner.stateOnDevice && keepOnDevice, samples_per_s: +(m.batch / stepS).toFixed(2), step_s: +stepS.toFixed(4),
    dropout: DROPOUT ?? 'default', mask_ms: Math.round(maskMs), setup_s: +setup.toFixed(1), sync_s: +syncS.toFixed(3), bytes_to_device_per_step: runner.lastTransfer.toDevice,
    bytes_from_device_per_step: runner.lastTransfer.fromDevice, trainable_params: trainable, last_loss: +loss.toFixed(4),
  });
  await runner.release();
}

async function guarded(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    emit({ check: name, ok: false, error: errText(e) });
  }
}

emit({ check: 'backends', node: process.version, onnxruntime: ort.env.versions.common, backends: ort.listSupportedBackends() });
if (only.has('start')) await guarded('start', start);
if (only.has('ops')) await guarded('ops', ops);
const tinyScratch = model('scratch', 'tiny', 64, 8);
const tinyRoberta = model('roberta', 'tiny', 32, 8, 1);
if (only.has('placement')) for (const m of [tinyScratch, tinyRoberta]) await guarded('placement', () => placement(m));
const precisions = values.precision === 'both' ? [false, true] : [values.precision === 'mixed'];
if (only.has('parity')) for (const mixed of precisions) for (const m of [tinyScratch, tinyRoberta]) await guarded('parity', () => parity(m, mixed));
if (only.has('speed')) {
  const seeds = model('roberta', 'bench', 512, 16, 2);
  for (const mixed of precisions) await guarded('speed', () => speed(seeds, true, 'codeberta_small_unfreeze2_seq512_batch16', mixed));
  if (only.has('host')) await guarded('speed', () => speed(seeds, false, 'codeberta_small_unfreeze2_seq512_batch16_state_on_host'));
  for (const mixed of precisions) await guarded('speed', () => speed(model('scratch', 'bench', 256, 16), true, 'scratch_d256_l4_seq256_batch16', mixed));
}
