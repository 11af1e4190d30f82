import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph, toOnnx } from '../../../main/engine/graph/index.ts';
import { loadHfRoberta } from '../../../main/engine/io/hf-folder.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { buildRoberta, robertaWeightsFromParams } from '../../../main/engine/models/roberta.ts';
import { buildScratch, initScratchWeights, scratchConfig, scratchWeightsFromParams } from '../../../main/engine/models/scratch.ts';
import { buildInferenceGraph, exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { Classifier, lengthOrder } from '../../../main/engine/export/classifier.ts';
import { ByteTokenizer } from '../../../main/engine/tokenize/bytes.ts';
import type { EncodedBatch, TextTokenizer } from '../../../main/engine/tokenize/encoded.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-export-'));
const TEXTS = ['def main():\n    print("hi")\n', 'public class A { }', '{"a": [1, 2, 3]}', 'x'];

/** Runs a training-mode forward graph (trainable parameters fed as inputs) and returns its logits. */
async function trainingForward(g: Graph, logitsName: string, enc: EncodedBatch): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(toOnnx(g));
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', enc.inputIds, [enc.batch, enc.seqLen]),
    attention_mask: new ort.Tensor('int64', enc.attentionMask, [enc.batch, enc.seqLen]),
  };
  for (const p of g.params) if (p.trainable) feeds[p.name] = new ort.Tensor('float32', p.data as Float32Array, [...p.shape]);
  const out = await session.run(feeds);
  return out[logitsName].data as Float32Array;
}

function softmaxRows(x: Float32Array, n: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < x.length; i += n) {
    const r = [...x.slice(i, i + n)];
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    rows.push(e.map((v) => v / s));
  }
  return rows;
}

async function checkExport(dir: string, tokenizer: TextTokenizer, trainLogits: Float32Array, labels: string[]) {
  // Any ONNX Runtime can use model.onnx with nothing but ids and mask.
  const raw = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
  const enc = tokenizer.encode(TEXTS, 'max_length');
  const out = await raw.run({
    input_ids: new ort.Tensor('int64', enc.inputIds, [enc.batch, enc.seqLen]),
    attention_mask: new ort.Tensor('int64', enc.attentionMask, [enc.batch, enc.seqLen]),
  });
  const logits = out.logits.data as Float32Array;
  for (let i = 0; i < logits.length; i++) assert.ok(Math.abs(logits[i] - trainLogits[i]) <= 1e-5 * Math.max(1, Math.abs(trainLogits[i])), `logit ${i}`);
  const clf = await Classifier.load(dir, { intraOpNumThreads: 1 });
  try {
    assert.deepEqual(clf.labels, labels);
    const probs = await clf.probabilities(TEXTS, 3);
    const want = softmaxRows(trainLogits, labels.length);
    for (let i = 0; i < TEXTS.length; i++) for (let j = 0; j < labels.length; j++) assert.ok(Math.abs(probs[i][j] - want[i][j]) < 1e-5, `${i},${j}: ${probs[i]} vs ${want[i]}`);
    const ranked = await clf.predict(TEXTS, { topK: 2 });
    assert.equal(ranked[0].length, 2);
    assert.ok(ranked[0][0].probability >= ranked[0][1].probability);
    assert.equal(ranked[0][0].probability, Math.max(...probs[0]));
  } finally {
    await clf.close();
  }
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8')).id2label, Object.fromEntries(labels.map((l, i) => [String(i), l])));
}

test('RoBERTa export: probabilities equal the training graph forward, and the folder is self-contained', async () => {
  const src = tmp();
  const labels = ['python', 'java', 'json'];
  writeTinyRoberta(src, { labels: null, max_length: 24, randomize_all: true, init_std: 0.2 });
  const m = loadHfRoberta(src);
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const out = buildRoberta(g, { inputIds, attentionMask }, {
    config: m.config, encoder: m.encoder, head: null, labels, training: { freeze_base_model: true, unfreeze_last_n_layers: 1 }, seed: 3,
  });
  assert.equal(out.headLoaded, false);
  g.output(out.logits, 'logits');
  const enc = m.tokenizer.encode(TEXTS, 'max_length');
  const trainLogits = await trainingForward(g, 'logits', enc);

  const params = new Map(g.params.filter((p) => p.trainable).map((p) => [p.name, p.data as Float32Array]));
  const { encoder, head } = robertaWeightsFromParams(params, m.config, labels.length, m.encoder);
  const dir = path.join(tmp(), 'export');
  exportClassifier(dir, { family: 'roberta', config: m.config, encoder, head, labels, tokenizerDir: src, max_length: m.tokenizer.maxLength });
  assert.ok(fs.existsSync(path.join(dir, 'tokenizer.json')));
  await checkExport(dir, m.tokenizer, trainLogits, labels);
});

/** A from-scratch model's training-graph logits on TEXTS, exported to a new folder. */
async function scratchExport(labels: string[], shape: { d_model: number; max_length: number; ngram_buckets?: number }, seed: number) {
  const config = scratchConfig(labels.length, { ...shape, num_layers: 1, num_heads: 2 });
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  g.output(buildScratch(g, { inputIds, attentionMask }, { config, weights: initScratchWeights(config, seed) }), 'logits');
  const tokenizer = new ByteTokenizer({ max_length: config.max_length });
  const trainLogits = await trainingForward(g, 'logits', tokenizer.encode(TEXTS));
  const params = new Map(g.params.filter((p) => p.trainable).map((p) => [p.name, p.data as Float32Array]));
  const dir = path.join(tmp(), 'export');
  exportClassifier(dir, { family: 'scratch', config, weights: scratchWeightsFromParams(params, config), labels });
  return { dir, tokenizer, trainLogits };
}

test('from-scratch export: probabilities equal the training graph forward', async () => {
  const labels = ['c', 'go'];
  const { dir, tokenizer, trainLogits } = await scratchExport(labels, { d_model: 16, max_length: 32 }, 5);
  await checkExport(dir, tokenizer, trainLogits, labels);
  // A manifest whose window setting this version does not know is refused by name.
  const mFile = path.join(dir, 'langlab-model.json');
  const manifest = JSON.parse(fs.readFileSync(mFile, 'utf8'));
  fs.writeFileSync(mFile, JSON.stringify({ ...manifest, tokenizer: { ...manifest.tokenizer, truncate: 'middle' } }));
  await assert.rejects(Classifier.load(dir), /truncate setting "middle" is unknown/);
});

test('from-scratch export with hashed n-gram embeddings: probabilities equal the training graph forward', async () => {
  const labels = ['c', 'go', 'lua'];
  const { dir, tokenizer, trainLogits } = await scratchExport(labels, { d_model: 16, max_length: 32, ngram_buckets: 97 }, 6);
  await checkExport(dir, tokenizer, trainLogits, labels);
  // A one-byte file alone: the n-gram hash's shift by one position leaves nothing before it.
  const clf = await Classifier.load(dir, { intraOpNumThreads: 1 });
  const [ranked] = await clf.predict(['x'], { topK: 3 });
  await clf.close();
  assert.equal(ranked.length, 3);
  assert.ok(Math.abs(ranked.reduce((s, r) => s + r.probability, 0) - 1) < 1e-5);
});

test('int8 export: the manifest records it, linear layers run as MatMulInteger, logits stay close to the float export', async () => {
  const labels = ['c', 'go', 'python'];
  const config = scratchConfig(labels.length, { d_model: 32, num_layers: 2, num_heads: 2, max_length: 64 });
  const spec = { family: 'scratch' as const, config, weights: initScratchWeights(config, 11), labels };
  const root = tmp();
  const fDir = path.join(root, 'float');
  const qDir = path.join(root, 'int8');
  assert.equal(exportClassifier(fDir, spec).quantize, undefined);
  assert.equal(exportClassifier(qDir, spec, { quantize: 'int8' }).quantize, 'int8');
  assert.equal(JSON.parse(fs.readFileSync(path.join(qDir, 'langlab-model.json'), 'utf8')).quantize, 'int8');
  // QKV (one MatMul by the packed in-projection per layer), output projection and both feed-forward
  // layers; the head stays float.
  const g = buildInferenceGraph(spec, { quantize: 'int8' });
  assert.equal(g.nodes.filter((n) => n.op === 'MatMulInteger').length, 4 * config.num_layers);
  assert.equal(buildInferenceGraph(spec).nodes.filter((n) => n.op === 'MatMul' && !n.name.startsWith('classifier.')).length, 4 * config.num_layers + 2 * config.num_layers,
    'float: the same four linear MatMuls per layer, and attention\'s two');
  // Linear weights take a quarter of their float bytes (embeddings and the position table stay float).
  assert.ok(fs.statSync(path.join(qDir, 'model.onnx')).size < 0.7 * fs.statSync(path.join(fDir, 'model.onnx')).size);
  const [f, q] = await Promise.all([Classifier.load(fDir, { intraOpNumThreads: 1 }), Classifier.load(qDir, { intraOpNumThreads: 1 })]);
  try {
    assert.equal(q.manifest.quantize, 'int8');
    const enc = f.tokenizer.encode(TEXTS, 'longest');
    const feeds = {
      input_ids: new ort.Tensor('int64', enc.inputIds, [enc.batch, enc.seqLen]),
      attention_mask: new ort.Tensor('int64', enc.attentionMask, [enc.batch, enc.seqLen]),
    };
    const logitsOf = async (dir: string) => (await (await ort.InferenceSession.create(path.join(dir, 'model.onnx'))).run(feeds)).logits.data as Float32Array;
    const [lf, lq] = await Promise.all([logitsOf(fDir), logitsOf(qDir)]);
    // Each int8 product carries about 1/254 of its weight column's and 1/510 of its activation's
    // range as rounding error (~0.5 % relative); through seven products in two layers that stays
    // within a few percent of the logits' spread (0.7 % measured here), while a wrong scale or layout
    // is off by about 100 %.
    const spread = Math.max(...lf) - Math.min(...lf);
    for (let i = 0; i < lf.length; i++) assert.ok(Math.abs(lq[i] - lf[i]) <= 0.05 * spread, `logit ${i}: int8 ${lq[i]} vs float ${lf[i]} (spread ${spread})`);
    assert.notDeepEqual(lq, lf);
  } finally {
    await Promise.all([f.close(), q.close()]);
  }
});

test('loading a folder that is not an export names the missing manifest', async () => {
  const dir = tmp();
  await assert.rejects(Classifier.load(dir), /langlab-model\.json is missing/);
});

test('lengthOrder sorts indices by text length, stably', () => {
  assert.deepEqual(lengthOrder(['ccc', 'a', 'bb', 'z', '']), [4, 1, 3, 2, 0]);
  assert.deepEqual(lengthOrder([]), []);
});

test('batching by length returns the same probabilities, in input order, as batching in order', async () => {
  const labels = ['c', 'go', 'py'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, max_length: 32 });
  const dir = path.join(tmp(), 'export');
  exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, 7), labels });
  const clf = await Classifier.load(dir, { intraOpNumThreads: 1 });
  try {
    // Lengths mixed so that sorting moves nearly every text, and more than one batch.
    const texts = Array.from({ length: 11 }, (_, i) => `${'ab c;\n'.repeat((i * 7) % 11)}${i}`);
    const inOrder = await clf.probabilities(texts, 3, { lengthBuckets: false });
    const byLength = await clf.probabilities(texts, 3);
    const alone = await Promise.all(texts.map(async (t) => (await clf.probabilities([t], 1))[0]));
    assert.equal(byLength.length, texts.length);
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < labels.length; j++) {
        assert.ok(Math.abs(byLength[i][j] - inOrder[i][j]) < 1e-6, `text ${i}, label ${j}: ${byLength[i]} vs ${inOrder[i]}`);
        assert.ok(Math.abs(byLength[i][j] - alone[i][j]) < 1e-6, `text ${i} alone, label ${j}`);
      }
    }
    assert.ok(clf.timing.runMs > 0 && clf.timing.tokenizeMs > 0, 'the time spent is counted');
  } finally {
    await clf.close();
  }
});

test('weights of 1 MiB or more are exported to model.onnx.data, which the exported model maps; small models stay one file', async () => {
  const labels = ['c', 'go'];
  const { dir, tokenizer, trainLogits } = await scratchExport(labels, { d_model: 1024, max_length: 16 }, 9);
  const data = path.join(dir, 'model.onnx.data');
  assert.ok(fs.existsSync(data), 'the large weights are in model.onnx.data');
  assert.ok(fs.statSync(data).size > fs.statSync(path.join(dir, 'model.onnx')).size, 'the data file holds the bulk of the weights');
  await checkExport(dir, tokenizer, trainLogits, labels);

  const small = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, max_length: 16 });
  const smallDir = path.join(tmp(), 'export');
  exportClassifier(smallDir, { family: 'scratch', config: small, weights: initScratchWeights(small, 9), labels });
  assert.ok(!fs.existsSync(path.join(smallDir, 'model.onnx.data')), 'a small model is one file');
});
