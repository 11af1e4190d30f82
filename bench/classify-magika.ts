// Magika's model beside ours (`npm run bench:classify -- --folder <dir> --magika <model folder>`): its
// model.onnx run by ONNX Runtime on the same files, in memory, at the same threads, at batch 1 (how
// issue 16's reference figure was taken) and batched. Its input is built as its config.min.json
// describes: the first `beg_size` bytes of the file's first `block_size` once leading whitespace is
// stripped, padded after with `padding_token`, then the last `end_size` bytes of its last
// `block_size` once trailing whitespace is stripped, padded before; int32, one row a file. Magika
// also answers very small files by rules without its model; here every file goes through the model.
// No Magika model is on the development machines: tests run this path on a fake model of the same
// input and output shape (writeFakeMagika).
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph } from '../main/engine/graph/graph.ts';
import { toOnnx } from '../main/engine/graph/serialize.ts';

/** What the benchmark reads from a Magika model folder's config.min.json. */
export interface MagikaConfig {
  begSize: number;
  midSize: number;
  endSize: number;
  blockSize: number;
  paddingToken: number;
  labels: string[];
}

const CONFIG_FILE = 'config.min.json';
const MODEL_FILE = 'model.onnx';

/** Reads and checks `<dir>/config.min.json`; a missing file or field is named with what to give instead. */
export function readMagikaConfig(dir: string): MagikaConfig {
  const file = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file) || !fs.existsSync(path.join(dir, MODEL_FILE))) {
    throw new Error(`--magika ${dir}: give the folder of a Magika model, holding ${MODEL_FILE} and ${CONFIG_FILE}.`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); give the ${CONFIG_FILE} that came with the model.`);
  }
  const count = (key: string): number => {
    const v = raw[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${file}: "${key}" must be a whole number, got ${JSON.stringify(v)}.`);
    return v;
  };
  const labels = raw.target_labels_space;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw new Error(`${file}: "target_labels_space" must list the model's labels.`);
  }
  const c: MagikaConfig = { begSize: count('beg_size'), midSize: count('mid_size'), endSize: count('end_size'), blockSize: count('block_size'), paddingToken: count('padding_token'), labels };
  if (c.midSize !== 0) throw new Error(`${file}: "mid_size" is ${c.midSize}; this benchmark builds beginning and end features only (models with mid_size 0).`);
  if (c.begSize + c.endSize === 0) throw new Error(`${file}: "beg_size" and "end_size" are both 0; the model reads no bytes.`);
  return c;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

/** One file's model input: beginning then end features, `begSize + endSize` int32 values. */
export function magikaFeatures(bytes: Uint8Array, c: MagikaConfig): Int32Array {
  const out = new Int32Array(c.begSize + c.endSize).fill(c.paddingToken);
  const head = bytes.subarray(0, Math.min(bytes.length, c.blockSize));
  let s = 0;
  while (s < head.length && WHITESPACE.has(head[s])) s++;
  const beg = head.subarray(s, s + c.begSize);
  out.set(beg, 0);
  const tail = bytes.subarray(Math.max(0, bytes.length - c.blockSize));
  let e = tail.length;
  while (e > 0 && WHITESPACE.has(tail[e - 1])) e--;
  const end = tail.subarray(Math.max(0, e - c.endSize), e);
  out.set(end, c.begSize + c.endSize - end.length);
  return out;
}

/**
 * Files/s of the model in `dir` over `files` (already in memory), features included, at each batch
 * size, alternately, `repeats` passes each (medians). Also answers each file's top label at batch 1.
 */
export async function magikaRates(dir: string, files: readonly Uint8Array[], o: { threads: number; batchSizes: readonly number[]; repeats: number }) {
  const c = readMagikaConfig(dir);
  const session = await ort.InferenceSession.create(path.join(dir, MODEL_FILE), { intraOpNumThreads: o.threads, interOpNumThreads: 1, executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  const width = c.begSize + c.endSize;
  const top: string[] = new Array<string>(files.length);
  const pass = async (batch: number, keep: boolean) => {
    const t0 = performance.now();
    for (let i = 0; i < files.length; i += batch) {
      const rows = files.slice(i, i + batch);
      const x = new Int32Array(rows.length * width);
      rows.forEach((f, k) => x.set(magikaFeatures(f, c), k * width));
      const r = await session.run({ [input]: new ort.Tensor('int32', x, [rows.length, width]) }, [output]);
      if (keep) {
        const p = r[output].data as Float32Array;
        const n = c.labels.length;
        for (let k = 0; k < rows.length; k++) {
          let best = 0;
          for (let j = 1; j < n; j++) if (p[k * n + j] > p[k * n + best]) best = j;
          top[i + k] = c.labels[best];
        }
      }
    }
    return files.length / ((performance.now() - t0) / 1000);
  };
  await pass(1, true); // warm-up, and the labels
  const rates = o.batchSizes.map(() => [] as number[]);
  for (let r = 0; r < o.repeats; r++) {
    for (const [k, b] of o.batchSizes.entries()) rates[k].push(await pass(b, false));
  }
  await session.release();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  return { labels: c.labels, top, rates: o.batchSizes.map((batch, k) => ({ batch, filesPerSecond: Math.round(median(rates[k])), runs: rates[k].map(Math.round) })) };
}

/**
 * A stand-in Magika model folder for tests (no real one is on these machines): the same input
 * (int32 [batch, beg_size + end_size] byte values, 256 = padding) and output (probabilities
 * [batch, labels]), computed by a byte embedding, a mean and one linear layer.
 */
export function writeFakeMagika(dir: string, o: { begSize: number; endSize: number; labels: string[] }): void {
  fs.mkdirSync(dir, { recursive: true });
  const g = new Graph({ name: 'fake-magika' });
  const bytes = g.input('bytes', 'int32', ['batch', o.begSize + o.endSize]);
  const dim = 8;
  const table = Float32Array.from({ length: 257 * dim }, (_, i) => Math.sin(i * 0.37));
  const weight = Float32Array.from({ length: dim * o.labels.length }, (_, i) => Math.cos(i * 0.91));
  const embedded = g.Gather(g.initializer('embedding', table, [257, dim]), bytes, { axis: 0 });
  const pooled = g.ReduceMean(embedded, { axes: [1], keepdims: 0 });
  g.output(g.Softmax(g.MatMul(pooled, g.initializer('dense', weight, [dim, o.labels.length])), { axis: -1 }), 'target_label');
  fs.writeFileSync(path.join(dir, MODEL_FILE), toOnnx(g));
  fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify({
    beg_size: o.begSize, mid_size: 0, end_size: o.endSize, block_size: 4096, padding_token: 256, target_labels_space: o.labels,
  }));
}
