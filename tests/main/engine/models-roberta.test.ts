import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Graph } from '../../../main/engine/graph/index.ts';
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
