// The row-sparse n-gram table (`Graph.rowParam`, the runner's lazy row update) against the same model
// reading the whole table: the same loss, gradient norm and parameters after a step (weight decay
// off, so the whole-table update leaves unread rows alone too), and then rows a step does not read
// keep their values and moments, as a lazy AdamW's do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { softmaxCrossEntropy } from '../../../main/engine/graph/nn.ts';
import { Rng } from '../../../main/engine/models/init.ts';
import { buildScratch, initScratchWeights, ngramSlots, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { buildTrainStep } from '../../../main/engine/optim/train-step.ts';
import { type Feeds, TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';

const BATCH = 4;
const SEQ = 12;
const config = scratchConfig(3, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: SEQ, dropout: 0, ngram_buckets: 500 });
const weights = initScratchWeights(config, 4);
const TABLE = 'ngram_embedding.weight';

async function runner(sparse: boolean): Promise<TrainStepRunner> {
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const sparseNgrams = sparse ? { index: g.input('ngram_index', 'int64', ['rows']), slots: g.input('ngram_slots', 'int64', ['batch', 'seq', 3]) } : undefined;
  const logits = buildScratch(g, { inputIds, attentionMask }, { config, weights, sparseNgrams });
  const step = buildTrainStep(g, { loss: softmaxCrossEntropy(g, logits, g.input('labels', 'int64', ['batch'])), adamw: { weightDecay: 0 }, maxGradNorm: 0.5 });
  const slot = step.slots.find((s) => s.name === TABLE)!;
  assert.equal(slot.rows, sparse ? 'ngram_index' : null);
  return TrainStepRunner.create(step);
}

function batch(seed: number, vocab: number): Feeds {
  const rng = new Rng(seed);
  const ids = BigInt64Array.from({ length: BATCH * SEQ }, () => BigInt(Math.floor(rng.next() * vocab)));
  return {
    input_ids: new ort.Tensor('int64', ids, [BATCH, SEQ]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(BATCH * SEQ).fill(1n), [BATCH, SEQ]),
    labels: new ort.Tensor('int64', BigInt64Array.from({ length: BATCH }, (_, i) => ids[i * SEQ] % 3n), [BATCH]),
  };
}

function withSlots(f: Feeds): Feeds {
  const { index, slots } = ngramSlots(f.input_ids.data as BigInt64Array, BATCH, SEQ, config);
  return { ...f, ngram_index: new ort.Tensor('int64', index, [index.length]), ngram_slots: new ort.Tensor('int64', slots, [BATCH, SEQ, 3]) };
}

function maxDiff(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('a sparse step equals the whole-table step; afterwards unread rows keep their values', async () => {
  const [dense, sparse] = [await runner(false), await runner(true)];
  // Few byte values, so the two batches share many n-grams and the second also reads new ones.
  const first = batch(1, 6);
  const a = await dense.step(first, 1e-2);
  const b = await sparse.step(withSlots(first), 1e-2);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-6, `loss ${a.loss} vs ${b.loss}`);
  assert.ok(Math.abs(a.gradNorm! - b.gradNorm!) < 1e-5, `gradient norm ${a.gradNorm} vs ${b.gradNorm}`);
  for (const name of weights.keys()) assert.ok(maxDiff(dense.param(name), sparse.param(name)) < 1e-6, `${name} after one step`);
  const read = new Set(Array.from(withSlots(first).ngram_index.data as BigInt64Array, Number));
  const table0 = weights.get(TABLE)!.data;
  const table1 = sparse.param(TABLE).slice();
  for (let r = 0; r < 500; r++) {
    const moved = maxDiff(table0.subarray(r * 16, (r + 1) * 16), table1.subarray(r * 16, (r + 1) * 16)) > 0;
    assert.equal(moved, read.has(r), `row ${r} ${read.has(r) ? 'read and updated' : 'unread and unchanged'}`);
  }

  const second = batch(2, 5);
  const c = await dense.step(second, 1e-2);
  const d = await sparse.step(withSlots(second), 1e-2);
  assert.ok(Math.abs(c.loss - d.loss) < 1e-5, `second loss ${c.loss} vs ${d.loss}`);
  const readNow = new Set(Array.from(withSlots(second).ngram_index.data as BigInt64Array, Number));
  const table2 = sparse.param(TABLE);
  let lazy = 0;
  for (const r of read) {
    if (readNow.has(r)) continue;
    lazy++;
    assert.equal(maxDiff(table1.subarray(r * 16, (r + 1) * 16), table2.subarray(r * 16, (r + 1) * 16)), 0, `row ${r}, read only by the first step`);
  }
  assert.ok(lazy > 0 && readNow.size > 0, 'the second batch reads some rows of the first and leaves others');
  await dense.release();
  await sparse.release();
});

test('a row-sparse parameter is refused where its update cannot run on the host', () => {
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const sparseNgrams = { index: g.input('ngram_index', 'int64', ['rows']), slots: g.input('ngram_slots', 'int64', ['batch', 'seq', 3]) };
  const logits = buildScratch(g, { inputIds, attentionMask }, { config, weights, sparseNgrams });
  const loss = softmaxCrossEntropy(g, logits, g.input('labels', 'int64', ['batch']));
  assert.throws(() => buildTrainStep(g, { loss, accumulation: true }), /row parameter ngram_embedding\.weight needs a float32 step without accumulation/);
});
