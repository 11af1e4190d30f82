import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph/index.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import { loadHfRoberta } from '../../../main/engine/io/hf-folder.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { buildRoberta, robertaWeightsFromParams } from '../../../main/engine/models/roberta.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-roberta-'));
writeTinyRoberta(dir, { labels: ['a', 'b'], num_hidden_layers: 3, max_length: 8 });
const m = loadHfRoberta(dir);

function build(labels: string[], freeze: boolean, unfreeze: number) {
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const out = buildRoberta(g, { inputIds, attentionMask }, {
    config: m.config, encoder: m.encoder, head: m.head, labels, training: { freeze_base_model: freeze, unfreeze_last_n_layers: unfreeze },
  });
  return { g, out, trainable: g.params.filter((p) => p.trainable).map((p) => p.name) };
}

test('freeze_base_model trains only the last N layers and the head', () => {
  const { out, trainable, g } = build(['a', 'b'], true, 1);
  assert.deepEqual(out.layerTrainable, [false, false, true]);
  assert.equal(out.embeddingsTrainable, false);
  assert.ok(trainable.every((n) => n.startsWith('roberta.encoder.layer.2.') || n.startsWith('classifier.')));
  assert.ok(trainable.includes('classifier.out_proj.weight'));
  // Biases and LayerNorm weights are excluded from weight decay.
  for (const p of g.params) assert.equal(p.decay, !(p.name.endsWith('.bias') || p.name.endsWith('LayerNorm.weight')), p.name);
});

test('freeze with 0 unfrozen layers trains only the head; full fine-tune trains everything', () => {
  assert.ok(build(['a', 'b'], true, 0).trainable.every((n) => n.startsWith('classifier.')));
  const full = build(['a', 'b'], false, 0);
  assert.ok(full.trainable.includes('roberta.embeddings.word_embeddings.weight'));
  assert.equal(full.trainable.length, full.g.params.length);
});

test('the checkpoint head is used when the label count matches, a fresh one otherwise', () => {
  assert.equal(build(['a', 'b'], true, 0).out.headLoaded, true);
  const three = build(['a', 'b', 'c'], true, 0);
  assert.equal(three.out.headLoaded, false);
  assert.deepEqual(three.out.logits.shape, ['batch', 3]);
});

test('graph parameters convert back to the HF layout they were loaded from', () => {
  const { g } = build(['a', 'b'], false, 0);
  const params = new Map(g.params.map((p) => [p.name, p.data as Float32Array]));
  const back = robertaWeightsFromParams(params, m.config, 2);
  for (const [name, data] of m.encoder) assert.deepEqual(back.encoder.get(name), data, name);
  for (const [name, data] of m.head!) assert.deepEqual(back.head.get(name), data, name);
});

test('the inference graph: fused attention and, in the last layer, the first token only; the same logits as the training form', async () => {
  const logitsOf = async (inference: boolean) => {
    const g = new Graph();
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    const { logits } = buildRoberta(g, { inputIds, attentionMask }, {
      config: m.config, encoder: m.encoder, head: m.head, labels: ['a', 'b'], training: { freeze_base_model: true, unfreeze_last_n_layers: 0 }, inference,
    });
    g.output(logits, 'logits');
    const mha = g.nodes.filter((n) => n.op === 'MultiHeadAttention');
    assert.equal(mha.length, inference ? 3 : 0);
    // The last layer's feed-forward runs on [batch, 1, intermediate]: one token per file.
    const ffn = g.nodes.filter((n) => n.op === 'MatMul' && n.inputs[1]?.name.endsWith('intermediate.dense.weight'));
    assert.deepEqual(ffn.map((n) => n.outputs[0].knownShape[1]), ['seq', 'seq', 1]);
    const session = await ort.InferenceSession.create(toOnnx(g));
    // Two files, the second padded after 5 of its 8 tokens.
    const ids = [0, 10, 11, 12, 13, 14, 15, 2, 0, 20, 21, 22, 2, 1, 1, 1].map(BigInt);
    const mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0].map(BigInt);
    // The training form takes its trainable parameters (the head) as inputs.
    const params = Object.fromEntries(g.params.filter((p) => p.trainable).map((p) => [p.name, new ort.Tensor('float32', p.data, [...p.shape])]));
    const out = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [2, 8]), attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask), [2, 8]), ...params });
    return Array.from(out.logits.data as Float32Array);
  };
  const fused = await logitsOf(true);
  const plain = await logitsOf(false);
  for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(fused[i] - plain[i]) < 1e-5, `logit ${i}: ${fused[i]} vs ${plain[i]}`);
});
