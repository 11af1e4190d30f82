// The from-scratch model's hashed n-gram embeddings: the hash the graph computes is pinned to a
// reference written here (an exported model would silently read other rows if it changed), a
// position's rows depend only on the bytes ending there, and the table's gradient (one scatter-add)
// matches finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import { initScratchWeights, ngramEmbeddings, ngramSlots, scratchConfig, scratchEmbeddingStd } from '../../../main/engine/models/scratch.ts';
import { analytic, maxRelError, numeric, rand } from './gradcheck.ts';

const P = 1_000_003;
const BEFORE = 259;

/**
 * The bucket of the n-gram ending at position i, as the model documents it: h(1, i) is the byte's
 * id; h(n, i) = (h(n-1, i-1) * P + id(i) + n) mod buckets, where a position before the window
 * reads as BEFORE.
 */
function reference(ids: number[], n: number, i: number, buckets: number): number {
  if (n === 1) return ids[i];
  const prev = i > 0 ? reference(ids, n - 1, i - 1, buckets) : BEFORE;
  return (prev * P + ids[i] + n) % buckets;
}

async function embed(rows: number[][], buckets: number, d: number, table: Float32Array): Promise<Float32Array> {
  const config = scratchConfig(2, { d_model: d, num_layers: 1, num_heads: 1, ngram_buckets: buckets });
  const g = new Graph();
  const ids = g.input('ids', 'int64', ['batch', 'seq']);
  const t = g.input('table', 'float32', [buckets, d]);
  g.output(ngramEmbeddings(g, ids, t, config), 'out');
  const s = await ort.InferenceSession.create(toOnnx(g));
  const seq = rows[0].length;
  const out = await s.run({
    ids: new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, seq]),
    table: new ort.Tensor('float32', table, [buckets, d]),
  });
  assert.deepEqual(out.out.dims, [rows.length, seq, d]);
  return out.out.data as Float32Array;
}

test('the graph sums the table rows of the 2-, 3- and 4-grams ending at each position, hashed as documented', async () => {
  const buckets = 1009;
  const d = 2;
  // Row r of the table holds (r, 0, 0): the sum's first feature is the sum of the bucket numbers.
  const table = new Float32Array(buckets * d);
  for (let r = 0; r < buckets; r++) table[r * d] = r;
  const rows = [[104, 101, 108, 108, 111, 32, 36, 120], [256, 0, 255, 258, 257, 7, 7, 7]];
  const out = await embed(rows, buckets, d, table);
  rows.forEach((ids, b) => {
    const expected = ids.map((_, i) => [2, 3, 4].reduce((sum, n) => sum + reference(ids, n, i, buckets), 0));
    const got = ids.map((_, i) => out[(b * ids.length + i) * d]);
    assert.deepEqual(got, expected, `row ${b}`);
  });
});

test("a position's n-gram rows depend on the 4 bytes ending there, not on what came earlier", async () => {
  const buckets = 4099;
  const d = 4;
  const table = Float32Array.from(rand(buckets * d, 3));
  const a = [1, 2, 3, 40, 41, 42, 43, 9, 8];
  const b = [7, 8, 9, 40, 41, 42, 43, 9, 8];
  const [ea, eb] = [await embed([a], buckets, d, table), await embed([b], buckets, d, table)];
  const at = (e: Float32Array, i: number) => Array.from(e.subarray(i * d, (i + 1) * d));
  // Positions 6 and 7 see the same last four bytes in both rows; position 5 does not.
  assert.deepEqual(at(ea, 6), at(eb, 6));
  assert.deepEqual(at(ea, 7), at(eb, 7));
  assert.notDeepEqual(at(ea, 5), at(eb, 5));
});

test('the gradient with respect to the table matches finite differences', async () => {
  const buckets = 11;
  const d = 2;
  const config = scratchConfig(2, { d_model: d, num_layers: 1, num_heads: 1, ngram_buckets: buckets });
  const build = (g: Graph, xs: Parameters<typeof ngramEmbeddings>[1][]) => ngramEmbeddings(g, xs[1], xs[0], config);
  // Repeated n-grams in the ids, so several positions add into the same rows.
  const inputs = [
    { data: rand(buckets * d, 5), shape: [buckets, d] },
    { data: [5, 6, 5, 6, 5, 6, 1, 2, 5, 6, 5, 6], shape: [2, 6], int: true },
  ];
  const { rel, absNearZero } = maxRelError(await analytic('float64', build, inputs), await numeric(build, inputs));
  assert.ok(rel < 1e-6 && absNearZero < 1e-6, `rel ${rel}, near-zero ${absNearZero}`);
});

test('the table starts with the byte embedding spread among the orders, and is absent when off', () => {
  const on = scratchConfig(3, { d_model: 64, num_layers: 1, num_heads: 2, ngram_buckets: 5000 });
  const table = initScratchWeights(on, 1).get('ngram_embedding.weight')!;
  assert.deepEqual(table.shape, [5000, 64]);
  let s2 = 0;
  for (const x of table.data) s2 += x * x;
  const sd = Math.sqrt(s2 / table.data.length);
  const want = scratchEmbeddingStd(64) / Math.sqrt(3);
  assert.ok(Math.abs(sd - want) < 0.02 * want, `std ${sd}, want ${want}`);
  const off = scratchConfig(3, { d_model: 64, num_layers: 1, num_heads: 2 });
  assert.deepEqual([off.ngram_buckets, off.ngram_orders], [0, []]);
  assert.equal(initScratchWeights(off, 1).has('ngram_embedding.weight'), false);
  assert.throws(() => scratchConfig(3, { d_model: 64, num_heads: 2, ngram_buckets: 5, ngram_orders: [1, 2] }), /ngram_orders \[1, 2\]/);
});

test('the host-side slots read the same buckets as the graph: each distinct bucket once, in first-use order', () => {
  const buckets = 257;
  const config = scratchConfig(2, { d_model: 4, num_layers: 1, num_heads: 1, ngram_buckets: buckets });
  const rows = [[104, 101, 108, 108, 111, 32], [104, 101, 108, 108, 111, 256]];
  const { index, slots } = ngramSlots(BigInt64Array.from(rows.flat().map(BigInt)), 2, 6, config);
  assert.equal(new Set(index).size, index.length, 'each bucket once');
  rows.forEach((ids, b) => ids.forEach((_, i) => [2, 3, 4].forEach((n, k) => {
    const bucket = index[Number(slots[(b * 6 + i) * 3 + k])];
    assert.equal(Number(bucket), reference(ids, n, i, buckets), `row ${b}, position ${i}, order ${n}`);
  })));
  // The second row repeats the first's first five bytes, so it adds only the buckets of its last position.
  assert.equal(index.length, 5 * 3 + 1 * 3 + 3);
});
