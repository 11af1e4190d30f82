import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, toOnnx } from '../../../main/engine/graph/index.ts';
import { DropoutInputs, fastMask } from '../../../main/engine/models/dropout-inputs.ts';
import { buildScratch, initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { MaskGenerator } from '../../../main/engine/optim/dropout-mask.ts';

test('keep-masks hold 0 at rate p, else 1, and are reproducible from the seed', () => {
  const m = fastMask(99, 100_001, 0.25);
  let zeros = 0;
  for (const v of m) {
    if (v === 0) zeros++;
    else assert.equal(v, 1);
  }
  assert.ok(Math.abs(zeros / m.length - 0.25) < 0.01);
  assert.deepEqual(fastMask(99, 1000, 0.25), fastMask(99, 1000, 0.25));
  assert.notDeepEqual(fastMask(99, 1000, 0.25), fastMask(100, 1000, 0.25));
});

test('a training graph with dropout sites: one mask input per site, shapes resolved per batch', async () => {
  const build = (drop: DropoutInputs | null, dropout = 0.5) => {
    const config = scratchConfig(2, { d_model: 8, num_layers: 1, num_heads: 2, max_length: 8, dropout });
    const g = new Graph();
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    g.output(buildScratch(g, { inputIds, attentionMask }, { config, weights: initScratchWeights(config, 1), inference: true }, drop?.fn), 'logits');
    return g;
  };
  const drop = new DropoutInputs();
  const g = build(drop);
  assert.ok(drop.sites.length >= 5);
  assert.ok(drop.sites.every((s) => g.inputs.some((v) => v.name === s.name)));
  const ids = new ort.Tensor('int64', BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i * 7)), [2, 6]);
  const mask = new ort.Tensor('int64', new BigInt64Array(12).fill(1n), [2, 6]);
  const gen = new MaskGenerator(3);
  const state = gen.getState();
  const masks = drop.masks(gen, { batch: 2, seq: 6 });
  for (const s of drop.sites) assert.equal(masks[s.name].dims.length, s.shape.length);
  const withDrop = await ort.InferenceSession.create(toOnnx(g));
  const a = (await withDrop.run({ input_ids: ids, attention_mask: mask, ...masks })).logits.data as Float32Array;
  gen.setState(state);
  const again = (await withDrop.run({ input_ids: ids, attention_mask: mask, ...drop.masks(gen, { batch: 2, seq: 6 }) })).logits.data as Float32Array;
  assert.deepEqual(again, a, 'restoring the generator state reproduces the masks');
  // Masks of ones (keep everything) at a vanishing rate compute the evaluation graph.
  const tiny = new DropoutInputs();
  const gTiny = build(tiny, 1e-7);
  const ones = tiny.masks(new MaskGenerator(1), { batch: 2, seq: 6 });
  for (const t of Object.values(ones)) (t.data as Uint8Array).fill(1);
  const b = (await (await ort.InferenceSession.create(toOnnx(gTiny))).run({ input_ids: ids, attention_mask: mask, ...ones })).logits.data as Float32Array;
  const evalSession = await ort.InferenceSession.create(toOnnx(build(null, 0.5)));
  const c = (await evalSession.run({ input_ids: ids, attention_mask: mask })).logits.data as Float32Array;
  for (let i = 0; i < c.length; i++) assert.ok(Math.abs(b[i] - c[i]) < 1e-5, `${b[i]} vs ${c[i]}`);
});

test('attention dropout is its own rate: 0 leaves the attention probabilities without a mask', () => {
  const sites = (o: { dropout: number; attention_dropout?: number }) => {
    const config = scratchConfig(2, { d_model: 8, num_layers: 2, num_heads: 2, max_length: 8, ...o });
    const g = new Graph();
    const drop = new DropoutInputs();
    buildScratch(g, { inputIds: g.input('input_ids', 'int64', ['batch', 'seq']), attentionMask: g.input('attention_mask', 'int64', ['batch', 'seq']) },
      { config, weights: initScratchWeights(config, 1) }, drop.fn);
    return drop.sites;
  };
  const attn = <T extends { name: string }>(s: T[]) => s.filter((x) => x.name.endsWith('attention_probs'));
  // Unset, it follows `dropout` (PyTorch's encoder layer uses one rate for both).
  assert.deepEqual(attn(sites({ dropout: 0.1 })).map((s) => s.p), [0.1, 0.1]);
  assert.deepEqual(attn(sites({ dropout: 0.1, attention_dropout: 0.3 })).map((s) => s.p), [0.3, 0.3]);
  const off = sites({ dropout: 0.1, attention_dropout: 0 });
  assert.equal(attn(off).length, 0);
  assert.equal(off.length, sites({ dropout: 0.1 }).length - 2, 'the hidden-state sites stay');
});
