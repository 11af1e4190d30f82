// Runs one benchmark configuration with Langlab's engine in its own process (so peak RSS is per
// configuration) and prints one JSON object. Usage: node --import tsx bench/engine-worker.ts <id> <threads> [--uncached]
// (--uncached runs a `cached` configuration the way it trains without the frozen-prefix cache).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph } from '../main/engine/graph/graph.ts';
import { toOnnx } from '../main/engine/graph/serialize.ts';
import { softmaxCrossEntropy } from '../main/engine/graph/nn.ts';
import type { Value } from '../main/engine/graph/value.ts';
import { tinyRobertaConfig, tinyRobertaWeights } from '../main/engine/io/tiny-roberta.ts';
import { buildRoberta, buildRobertaPrefix, buildRobertaSuffix, robertaFrozenPrefixLayers } from '../main/engine/models/roberta.ts';
import { buildScratch, initScratchWeights, scratchConfig } from '../main/engine/models/scratch.ts';
import { DropoutInputs } from '../main/engine/models/dropout-inputs.ts';
import { noDropout } from '../main/engine/models/common.ts';
import { Rng } from '../main/engine/models/init.ts';
import { buildTrainStep } from '../main/engine/optim/train-step.ts';
import { MaskGenerator } from '../main/engine/optim/dropout-mask.ts';
import { TrainStepRunner } from '../main/engine/runtime/train-step-runner.ts';
import { createSession } from '../main/engine/runtime/session.ts';
import { writeModelWithExternalData } from '../main/engine/runtime/external-data.ts';
import { PREFIX_INPUT } from '../main/trainer/frozen-prefix.ts';
import { PrefixCache } from '../main/trainer/prefix-cache.ts';
import { CODEBERTA_SHAPE, CONFIGS, type BenchConfig, SCRATCH_SHAPE } from './configs.ts';

const [id, threadsArg, flag] = process.argv.slice(2);
const threads = Number(threadsArg ?? 2);
const found = CONFIGS.find((c) => c.id === id);
if (!found) throw new Error(`unknown configuration ${id}`);
const cfg: BenchConfig = flag === '--uncached' ? { ...found, cached: false } : found;

/** 2*M*N*K summed over MatMul/Gemm nodes, with symbolic dims resolved. */
function matmulFlops(g: Graph, dims: Record<string, number>): { flops: number; unknown: number } {
  // Symbolic dims may be products ('batch*seq') after reshapes.
  const size = (d: number | string): number =>
    typeof d === 'number' ? d : d.split('*').reduce((p, part) => p * (/^\d+$/.test(part) ? Number(part) : dims[part] ?? NaN), 1);
  let flops = 0;
  let unknown = 0;
  for (const n of g.nodes) {
    if (n.op !== 'MatMul' && n.op !== 'Gemm') continue;
    const a = n.inputs[0]?.shape;
    const out = n.outputs[0].shape;
    if (!a || !out) { unknown++; continue; }
    const k = n.op === 'Gemm' && n.attrs.transA ? size(a[0]) : size(a[a.length - 1]);
    const f = 2 * k * out.reduce((p: number, d) => p * size(d), 1);
    if (Number.isFinite(f)) flops += f; else unknown++;
  }
  return { flops, unknown };
}

function randomBatch(rng: Rng, batch: number, seq: number, vocab: number, first: number | null, labels: number) {
  const ids = new BigInt64Array(batch * seq);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(4 + Math.floor(rng.next() * (vocab - 4)));
  if (first !== null) for (let b = 0; b < batch; b++) ids[b * seq] = BigInt(first);
  const mask = new BigInt64Array(batch * seq).fill(1n);
  const y = BigInt64Array.from({ length: batch }, () => BigInt(Math.floor(rng.next() * labels)));
  return {
    input_ids: new ort.Tensor('int64', ids, [batch, seq]),
    attention_mask: new ort.Tensor('int64', mask, [batch, seq]),
    labels: new ort.Tensor('int64', y, [batch]),
  };
}

function buildModel(c: BenchConfig, g: Graph, dropout: DropoutInputs | null): { logits: Value; vocab: number; first: number | null } {
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const labels = Array.from({ length: c.num_labels ?? 8 }, (_, i) => `l${i}`);
  const fn = dropout ? dropout.fn : noDropout;
  if (c.family === 'scratch') {
    const config = scratchConfig(labels.length, { ...SCRATCH_SHAPE, max_length: c.seq });
    return { logits: buildScratch(g, { inputIds, attentionMask }, { config, weights: initScratchWeights(config, 1), inference: dropout === null }, fn), vocab: 256, first: null };
  }
  const spec = robertaSpec(c, dropout === null);
  const out = buildRoberta(g, { inputIds, attentionMask }, spec, fn);
  return { logits: out.logits, vocab: spec.config.vocab_size, first: 0 };
}

/** CodeBERTa-small's shape with random weights, frozen but for the last N layers and the head. */
function robertaSpec(c: BenchConfig, inference: boolean) {
  const rc = tinyRobertaConfig({ ...CODEBERTA_SHAPE, seed: 1 });
  const weights = tinyRobertaWeights(rc, { seed: 1 });
  const encoder = new Map([...weights].map(([k, t]) => [k.replace(/^roberta\./, ''), t.data as Float32Array]));
  const labels = Array.from({ length: c.num_labels ?? 8 }, (_, i) => `l${i}`);
  return { config: rc, encoder, head: null, labels, inference, training: { freeze_base_model: true, unfreeze_last_n_layers: c.unfreeze_last_n_layers ?? 2 } };
}

async function gemm(): Promise<Record<string, unknown>> {
  // Best of two sizes: small products under-use the cores, so one size alone under-states the rate.
  let best = 0;
  for (const n of [1024, 2048]) {
    const g = new Graph();
    const a = g.input('a', 'float32', [n, n]);
    const b = g.input('b', 'float32', [n, n]);
    g.output(g.MatMul(a, b), 'c');
    const s = await ort.InferenceSession.create(toOnnx(g), { intraOpNumThreads: threads, interOpNumThreads: 1 });
    const rng = new Rng(3);
    const data = () => Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
    const feeds = { a: new ort.Tensor('float32', data(), [n, n]), b: new ort.Tensor('float32', data(), [n, n]) };
    for (let i = 0; i < 3; i++) await s.run(feeds);
    const reps = 10;
    let timed = 0;
    for (let i = 0; i < reps; i++) {
      // Each run's output is a new 16 MB array; collected between (untimed) runs so the row's peak
      // memory is the product's, not thirteen outputs' garbage.
      collect();
      const t0 = performance.now();
      await s.run(feeds);
      timed += performance.now() - t0;
    }
    best = Math.max(best, (2 * n ** 3 * reps) / (timed / 1000) / 1e9);
    await s.release();
  }
  return { gemm_gflops: +best.toFixed(1), note: 'onnxruntime MatMul, float32, best of 1024^3 and 2048^3' };
}

// The engine's own arena choice (on, runtime/session.ts) unless a configuration forces it off;
// the `_no_arena` configuration shows what the arena is worth.
const SESSION_EXTRA: ort.InferenceSession.SessionOptions = {
  ...(cfg.arena === undefined ? {} : { enableCpuMemArena: cfg.arena }),
  // Diagnostic only: LANGLAB_BENCH_ORT_CONFIG='{"session.disable_prepacking":"1"}' passes session config entries.
  ...(process.env.LANGLAB_BENCH_ORT_CONFIG ? { extra: JSON.parse(process.env.LANGLAB_BENCH_ORT_CONFIG) as Record<string, string> } : {}),
};

/** Frees what only graph building needed, so the measured peak is the training process's own. */
const trace = (at: string) => {
  if (process.env.LANGLAB_BENCH_TRACE) console.error(`${at}: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
};

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function train(c: BenchConfig): Promise<Record<string, unknown>> {
  const dims = { batch: c.batch!, seq: c.seq! };
  const t0 = performance.now();
  // Built in a closure so the graph, the source weights and the serialized model are garbage once
  // the runner exists (the runner keeps neither the model bytes nor the initial values).
  const { runner, drop, vocab, first, mm, nodes, trainableParams } = await (async () => {
    const built = (() => {
      const g = new Graph();
      const drop = new DropoutInputs();
      const { logits, vocab, first } = buildModel(c, g, drop);
      const labels = g.input('labels', 'int64', ['batch']);
      const step = buildTrainStep(g, { loss: softmaxCrossEntropy(g, logits, labels), maxGradNorm: 1.0 });
      return { step, drop, vocab, first, mm: matmulFlops(g, dims), nodes: g.nodes.length };
    })();
    // The graph and its source weights are garbage here: freed before the session copies the model.
    collect();
    const runner = await TrainStepRunner.create(built.step, { intraOpNumThreads: threads, extra: SESSION_EXTRA });
    const trainableParams = built.step.slots.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
    return { runner, drop: built.drop, vocab: built.vocab, first: built.first, mm: built.mm, nodes: built.nodes, trainableParams };
  })();
  const setupS = (performance.now() - t0) / 1000;
  collect();
  trace('setup');
  const rng = new Rng(11);
  const gen = new MaskGenerator(5);
  const batch = randomBatch(rng, c.batch!, c.seq!, vocab, first, c.num_labels ?? 8);
  let timed = 0;
  for (let i = 0; i < c.warmup! + c.steps!; i++) {
    const s0 = performance.now();
    await runner.step({ ...batch, ...drop.masks(gen, dims) }, 1e-4);
    if (i >= c.warmup!) timed += performance.now() - s0;
    trace(`step ${i}`);
  }
  const stepS = timed / 1000 / c.steps!;
  return {
    samples_per_s: +(c.batch! / stepS).toFixed(2), step_s: +stepS.toFixed(3), setup_s: +setupS.toFixed(2),
    graph_nodes: nodes, matmul_gflop_per_step: +(mm.flops / 1e9).toFixed(2), matmuls_without_shape: mm.unknown,
    trainable_params: trainableParams,
  };
}

/**
 * Training from the frozen-prefix cache as the trainer does it: the prefix graph (embeddings and the
 * frozen layers, float16 output) fills a cache on disk before training, and its session is released;
 * every epoch then reads the cache and runs the suffix training graph. Times both:
 * `first_epoch_step_s` (the fill's share of one batch + read + suffix step) and the steps of the
 * second epoch (read + suffix step), which `samples_per_s` reports.
 */
async function trainCached(c: BenchConfig): Promise<Record<string, unknown>> {
  const dims = { batch: c.batch!, seq: c.seq! };
  const t0 = performance.now();
  const n = c.warmup! + c.steps!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-prefix-'));
  let fillS = 0;
  const { runner, drop, cache, vocab, mm, nodes, trainableParams, hidden } = await (async () => {
    const built = (() => {
      const spec = robertaSpec(c, false);
      const layers = robertaFrozenPrefixLayers(spec.config, spec.training);
      const H = spec.config.hidden_size;
      // The prefix graph is built when the cache makes its session, from weights made again from
      // the same seed, so nothing of it stays in memory once the cache is complete (the trainer's
      // closure keeps the model folder's weights, which it keeps anyway for the export).
      const prefixGraph = (s: typeof spec) => {
        const p = new Graph({ name: 'prefix' });
        const hidden = buildRobertaPrefix(p, { inputIds: p.input('input_ids', 'int64', ['batch', 'seq']), attentionMask: p.input('attention_mask', 'int64', ['batch', 'seq']) }, s, layers);
        p.output(p.Cast(hidden, { to: 'float16' }), PREFIX_INPUT);
        return p;
      };
      const g = new Graph();
      const drop = new DropoutInputs();
      const x = g.Cast(g.input(PREFIX_INPUT, 'float16', ['batch', 'seq', H]), { to: 'float32' });
      const logits = buildRobertaSuffix(g, { hidden: x, attentionMask: g.input('attention_mask', 'int64', ['batch', 'seq']) }, spec, layers, drop.fn).logits;
      const step = buildTrainStep(g, { loss: softmaxCrossEntropy(g, logits, g.input('labels', 'int64', ['batch'])), maxGradNorm: 1.0 });
      const mmP = matmulFlops(prefixGraph(spec), dims);
      const mmS = matmulFlops(g, dims);
      return { step, drop, prefix: { layers, hidden: H, dtype: 'float16' as const, model: () => toOnnx(prefixGraph(robertaSpec(c, false))),
        evalSuffix: () => { throw new Error('the benchmark does not validate'); }, fingerprint: 'bench' }, vocab: spec.config.vocab_size,
        mm: { prefix: mmP.flops, suffix: mmS.flops }, nodes: g.nodes.length };
    })();
    const rng = new Rng(11);
    // One batch of full-length files per step (the first token is <s>, as the tokenizer writes it).
    const files = Array.from({ length: n * c.batch! }, () => Int32Array.from({ length: c.seq! }, (_, t) => (t === 0 ? 0 : 4 + Math.floor(rng.next() * (built.vocab - 4)))));
    // As the trainer: the cache is filled (and the prefix session released) before the training session exists.
    const cache = await PrefixCache.open({ runDir: dir, prefix: built.prefix, files, padId: 1, provider: 'cpu', threads });
    const f0 = performance.now();
    await cache.fill({ batchSize: c.batch! });
    fillS = (performance.now() - f0) / 1000;
    trace('cache filled');
    const runner = await TrainStepRunner.create(built.step, { intraOpNumThreads: threads, extra: SESSION_EXTRA });
    const trainableParams = built.step.slots.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
    return { runner, drop: built.drop, cache, vocab: built.vocab, mm: built.mm, nodes: built.nodes, trainableParams, hidden: built.prefix.hidden };
  })();
  const setupS = (performance.now() - t0) / 1000;
  collect();
  const gen = new MaskGenerator(5);
  const { attention_mask, labels } = randomBatch(new Rng(12), c.batch!, c.seq!, vocab, 0, c.num_labels ?? 8);
  const rows = (k: number) => Array.from({ length: c.batch! }, (_, i) => k * c.batch! + i);
  const epoch = async () => {
    let timed = 0;
    for (let k = 0; k < n; k++) {
      const s0 = performance.now();
      const prefixOut = await cache.batch(rows(k), c.seq!);
      await runner.step({ [PREFIX_INPUT]: prefixOut, attention_mask, labels, ...drop.masks(gen, dims) }, 1e-4);
      if (k >= c.warmup!) timed += performance.now() - s0;
    }
    return timed / 1000 / c.steps!;
  };
  const firstS = await epoch();
  const laterS = await epoch();
  const counts = { ...cache.counts };
  await cache.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (counts.computed !== n * c.batch! || counts.read !== 2 * n * c.batch!) throw new Error(`cache counts ${JSON.stringify(counts)}: expected ${n * c.batch!} computed, read twice`);
  return {
    samples_per_s: +(c.batch! / laterS).toFixed(2), step_s: +laterS.toFixed(3), first_epoch_step_s: +(fillS / n + firstS).toFixed(3),
    fill_s_per_batch: +(fillS / n).toFixed(3), setup_s: +setupS.toFixed(2),
    graph_nodes: nodes, matmul_gflop_per_step: +(mm.suffix / 1e9).toFixed(2), prefix_matmul_gflop_per_batch: +(mm.prefix / 1e9).toFixed(2),
    trainable_params: trainableParams, cache_mb_per_batch: +((c.batch! * c.seq! * hidden * 2) / 1e6).toFixed(1),
  };
}

async function forward(c: BenchConfig): Promise<Record<string, unknown>> {
  const dims = { batch: c.batch!, seq: c.seq! };
  // As the exported classifier: the weights in an external-data file beside the .onnx, which
  // onnxruntime maps instead of copying (LANGLAB_BENCH_INLINE=1 measures the old in-memory model).
  const inline = process.env.LANGLAB_BENCH_INLINE === '1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-forward-'));
  const built = (() => {
    const g = new Graph();
    const { logits, vocab, first } = buildModel(c, g, null);
    g.output(g.Softmax(logits, { axis: -1 }), 'probabilities');
    const model = inline ? toOnnx(g) : writeModelWithExternalData(path.join(dir, 'model.onnx'), g);
    return { model: model as Uint8Array | string, vocab, first, mm: matmulFlops(g, dims) };
  })();
  trace('built');
  // The graph and its source weights are garbage here: freed before the session copies the model.
  collect();
  trace('collected');
  const { session } = await createSession(built.model, { intraOpNumThreads: threads, extra: SESSION_EXTRA });
  const { vocab, first, mm } = built;
  built.model = '';
  collect();
  trace('session');
  const { input_ids, attention_mask } = randomBatch(new Rng(11), c.batch!, c.seq!, vocab, first, 2);
  let timed = 0;
  for (let i = 0; i < c.warmup! + c.steps!; i++) {
    const s0 = performance.now();
    await session.run({ input_ids, attention_mask });
    trace(`run ${i}`);
    if (i >= c.warmup!) timed += performance.now() - s0;
  }
  const stepS = timed / 1000 / c.steps!;
  await session.release();
  fs.rmSync(dir, { recursive: true, force: true });
  return { samples_per_s: +(c.batch! / stepS).toFixed(2), step_s: +stepS.toFixed(3), matmul_gflop_per_step: +(mm.flops / 1e9).toFixed(2), external_data: !inline };
}

const result = cfg.kind === 'gemm' ? await gemm() : cfg.kind === 'train' ? await (cfg.cached ? trainCached(cfg) : train(cfg)) : await forward(cfg);
const peak = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ ...result, peak_rss_mb: +peak.toFixed(0) }));
