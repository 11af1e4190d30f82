// Where inference time goes, op by op: ONNX Runtime's own profiler over the from-scratch defaults'
// model (random weights: the cost is the same), float32 and int8 exports, on a folder's texts in
// memory, batched by length as the prediction worker does. Prints each op type's share of the
// kernel time, so a graph change can be aimed at what costs.
//   node --import tsx bench/classify-profile.ts --folder <dir> [--files N] [--threads N] [--batch N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Classifier, lengthOrder } from '../main/engine/export/classifier.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { EXPORT_FILES } from '../main/engine/export/manifest.ts';
import { initScratchWeights } from '../main/engine/models/scratch.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from '../main/trainer/model.ts';
import { defaultHyperparameters } from '../preload/hyperparameters.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const folder = arg('folder');
if (!folder || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error('classify profile: --folder <dir> must name a folder of source files.');
const maxFiles = Number(arg('files') ?? 600);
const threads = Number(arg('threads') ?? 1);
const batch = Number(arg('batch') ?? 16);

/** Up to `max` text files under `root` (no NUL byte, at most 1 MiB). */
function readTexts(root: string, max: number): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (out.length >= max) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size <= 1 << 20) {
        const t = fs.readFileSync(p, 'utf8');
        if (!t.includes('\0')) out.push(t);
      }
    }
  };
  walk(root);
  return out;
}

interface ProfileEvent { cat: string; name: string; dur: number; args?: { op_name?: string } }

const texts = readTexts(folder, maxFiles);
const labels = ['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml'];
const config = scratchConfigFor(defaultHyperparameters('scratch'), labels.length);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-profile-'));
const report: Record<string, unknown> = { bench: 'classify-profile', files: texts.length, threads, batch };
try {
  for (const quantize of [undefined, 'int8'] as const) {
    const name = quantize ?? 'float';
    const modelDir = path.join(dir, name);
    exportClassifier(modelDir, {
      family: 'scratch', config, weights: initScratchWeights(config, 1), labels,
      truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS,
    }, quantize ? { quantize } : {});
    const tokenizer = (await Classifier.load(modelDir, { intraOpNumThreads: 1 })).tokenizer;
    const session = await ort.InferenceSession.create(path.join(modelDir, EXPORT_FILES.model), {
      intraOpNumThreads: threads, executionProviders: ['cpu'], graphOptimizationLevel: 'all',
      enableProfiling: true, profileFilePrefix: path.join(dir, `profile-${name}`),
    });
    const order = lengthOrder(texts);
    const t0 = performance.now();
    for (let i = 0; i < order.length; i += batch) {
      const enc = tokenizer.encode(order.slice(i, i + batch).map((k) => texts[k]), 'longest');
      const dims = [enc.batch, enc.seqLen];
      await session.run({ input_ids: new ort.Tensor('int64', enc.inputIds, dims), attention_mask: new ort.Tensor('int64', enc.attentionMask, dims) }, ['probabilities']);
    }
    const seconds = (performance.now() - t0) / 1000;
    session.endProfiling();
    await session.release();
    // The profile is written next to its prefix, with a time stamp in its name.
    const written = fs.readdirSync(dir).find((f) => f.startsWith(`profile-${name}`) && f.endsWith('.json'));
    if (!written) throw new Error(`classify profile: ONNX Runtime wrote no profile under ${dir}.`);
    const file = path.join(dir, written);
    const events = JSON.parse(fs.readFileSync(file, 'utf8')) as ProfileEvent[];
    const byOp = new Map<string, number>();
    let total = 0;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const op = e.args?.op_name ?? '?';
      byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
      total += e.dur;
    }
    const rows = [...byOp.entries()].sort((a, b) => b[1] - a[1]).map(([op, us]) => ({ op, ms: Math.round(us / 1000), share: Math.round((1000 * us) / total) / 10 }));
    process.stderr.write(`${name}: ${texts.length} files in ${seconds.toFixed(2)} s (${Math.round(texts.length / seconds)} files/s with the profiler on), kernel time ${Math.round(total / 1000)} ms:\n`);
    for (const r of rows) process.stderr.write(`  ${r.op.padEnd(28)} ${String(r.ms).padStart(6)} ms ${String(r.share).padStart(5)} %\n`);
    report[name] = { seconds, kernelMs: Math.round(total / 1000), ops: rows };
  }
  console.log(JSON.stringify(report));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
