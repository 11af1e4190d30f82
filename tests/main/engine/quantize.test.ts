import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, toOnnx } from '../../../main/engine/graph/index.ts';
import { quantizeLinears, quantizePerColumn } from '../../../main/engine/graph/quantize.ts';

/** Deterministic numbers in [-1, 1). */
function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

test('per-column int8 weights round-trip within half a step of their column scale', () => {
  const rows = 5;
  const cols = 3;
  const w = rand(rows * cols, 1);
  w[1] = 0; w[4] = 0; w[7] = 0; w[10] = 0; w[13] = 0; // column 1 all zero: scale 1, codes 0
  const { q, scale } = quantizePerColumn(w, rows, cols);
  assert.equal(scale[1], 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      assert.ok(Math.abs(q[r * cols + c]) <= 127);
      assert.ok(Math.abs(q[r * cols + c] * scale[c] - w[r * cols + c]) <= scale[c] / 2 + 1e-7, `${r},${c}`);
    }
  }
});

test('quantizeLinears turns MatMuls by stored weights (and slices of them) into MatMulInteger within the rounding bound', async () => {
  const K = 8;
  const N = 6;
  const build = () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['batch', K]);
    const w = g.initializer('w', rand(K * 2 * N, 7), [K, 2 * N]);
    const a = g.MatMul(x, g.Slice(w, { starts: [N], ends: [2 * N], axes: [1] }));
    const b = g.scope('classifier', () => g.MatMul(x, g.Slice(w, { starts: [0], ends: [N], axes: [1] })));
    const h = g.Relu(a);
    // An activation-by-activation product stays float.
    g.output(g.Add(g.MatMul(g.Unsqueeze(h, { axes: [1] }), g.Unsqueeze(b, { axes: [2] })), 0), 'y');
    g.output(a, 'a');
    return g;
  };
  const xs = rand(3 * K, 3);
  const run = async (g: Graph) => {
    const s = await ort.InferenceSession.create(toOnnx(g));
    const out = await s.run({ x: new ort.Tensor('float32', xs, [3, K]) });
    return { y: out.y.data as Float32Array, a: out.a.data as Float32Array };
  };
  const f = await run(build());
  const gq = build();
  const report = quantizeLinears(gq);
  assert.equal(report.quantized.length, 1);
  assert.deepEqual(report.skipped.map((n) => n.startsWith('classifier.')), [true]);
  assert.deepEqual(gq.nodes.filter((n) => n.op === 'MatMulInteger').length, 1);
  assert.equal(gq.nodes.filter((n) => n.op === 'DynamicQuantizeLinear').length, 1);
  const q = await run(gq);
  // |Δa_n| <= Σ_k |x_k|·s_w[n]/2 + |w_kn|·s_x/2 + s_x·s_w[n]/4 (weight and activation rounding),
  // with s_x the activation's uint8 step over its range (including 0).
  const wFull = rand(K * 2 * N, 7);
  const w = Float32Array.from({ length: K * N }, (_, i) => wFull[Math.floor(i / N) * 2 * N + N + (i % N)]);
  const { scale } = quantizePerColumn(w, K, N);
  const sx = (Math.max(0, ...xs) - Math.min(0, ...xs)) / 255;
  for (let r = 0; r < 3; r++) {
    for (let n = 0; n < N; n++) {
      let bound = 0;
      for (let k = 0; k < K; k++) bound += Math.abs(xs[r * K + k]) * scale[n] / 2 + Math.abs(w[k * N + n]) * sx / 2 + sx * scale[n] / 4;
      const d = Math.abs(q.a[r * N + n] - f.a[r * N + n]);
      assert.ok(d <= bound + 1e-6, `a[${r},${n}] differs by ${d} > ${bound}`);
    }
  }
  assert.notDeepEqual(q.a, f.a); // it really ran in integers
});

test('quantizeLinears refuses a float64 graph', () => {
  const g = new Graph({ dtype: 'float64' });
  assert.throws(() => quantizeLinears(g), /float64; it must be built in float32/);
});
