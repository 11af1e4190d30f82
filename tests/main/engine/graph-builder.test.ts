import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { gradients } from '../../../main/engine/autodiff/index.ts';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { linear, softmaxCrossEntropy } from '../../../main/engine/graph/nn.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';

test('names are scoped by module and values carry dtype and shape', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', 'seq', 8]);
  const y = g.scope('layer3', () =>
    g.scope('attn', () => {
      const w = g.param('q.weight', new Float32Array(64), [8, 8]);
      return g.MatMul(x, w);
    }),
  );
  assert.equal(y.name, 'layer3.attn.MatMul_out');
  assert.deepEqual(y.shape, ['batch', 'seq', 8]);
  assert.equal(y.dtype, 'float32');
  assert.equal(g.params[0].name, 'layer3.attn.q.weight');
  const heads = g.Reshape(y, [0, 0, 2, 4]);
  assert.deepEqual(heads.shape, ['batch', 'seq', 2, 4]);
  assert.deepEqual(g.Reshape(y, [-1, 8]).shape, ['batch*seq', 8]);
  assert.deepEqual(g.Transpose(heads, { perm: [0, 2, 1, 3] }).shape, ['batch', 2, 'seq', 4]);
  assert.throws(() => g.MatMul(x, g.param('bad', new Float32Array(6), [3, 2])), /inner dimensions differ/);
  assert.throws(() => g.param('bad2', new Float32Array(5), [3, 2]), /data has 5 elements/);
});

test('a built graph serialises to ONNX that onnxruntime runs with the expected numbers', async () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', 2]);
  const labels = g.input('labels', 'int64', ['batch']);
  const w = g.param('w', Float32Array.from([1, 0, 0, 1]), [2, 2]);
  const logits = linear(g, x, w, null);
  g.output(logits, 'logits');
  g.output(softmaxCrossEntropy(g, logits, labels), 'loss');
  g.output(g.Gemm(x, w, null, { transB: 1, alpha: 2 }), 'gemm');
  const s = await ort.InferenceSession.create(toOnnx(g));
  const out = await s.run({
    x: new ort.Tensor('float32', Float32Array.from([0, Math.log(3)]), [1, 2]),
    labels: new ort.Tensor('int64', BigInt64Array.from([1n]), [1]),
    w: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 1]), [2, 2]),
  });
  // softmax([0, ln 3]) = [1/4, 3/4]; loss = -ln(3/4)
  assert.ok(Math.abs((out.loss.data[0] as number) + Math.log(0.75)) < 1e-6);
  assert.deepEqual(Array.from(out.gemm.data as Float32Array), [0, 2 * Math.fround(Math.log(3))]);
});

test('float64 graphs decompose LayerNormalization and GELU so the CPU provider can run them', async () => {
  const g = new Graph({ dtype: 'float64' });
  const x = g.input('x', 'float64', [1, 4]);
  const y = g.LayerNormalization(g.Gelu(x), g.constant([1, 1, 1, 1]), null);
  g.output(y, 'y');
  assert.ok(!g.nodes.some((n) => n.op === 'LayerNormalization' || n.op === 'Gelu'));
  assert.throws(() => g.Erf(x), /no float64 Erf/);
  const s = await ort.InferenceSession.create(toOnnx(g));
  const out = await s.run({ x: new ort.Tensor('float64', Float64Array.from([1, 2, 3, 4]), [1, 4]) });
  const v = Array.from(out.y.data as Float64Array);
  assert.ok(Math.abs(v.reduce((a, b) => a + b, 0)) < 1e-9);
});

test('serialising without outputs is a clear error', () => {
  const g = new Graph({ name: 'empty' });
  g.input('x', 'float32', [1]);
  assert.throws(() => toOnnx(g), /graph empty has no outputs/);
});

test('label smoothing: the loss and its gradient are those of the smoothed target (1 - e) one-hot + e / C', async () => {
  const e = 0.1;
  const rows = [[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]];
  const labels = [2, 0];
  const g = new Graph({ dtype: 'float64' });
  const logits = g.input('logits', 'float64', [2, 3]);
  const loss = softmaxCrossEntropy(g, logits, g.input('labels', 'int64', [2]), { smoothing: e });
  g.output(loss, 'loss');
  g.output(gradients(g, loss, [logits]).get(logits)!, 'grad');
  const s = await ort.InferenceSession.create(toOnnx(g));
  const out = await s.run({
    logits: new ort.Tensor('float64', Float64Array.from(rows.flat()), [2, 3]),
    labels: new ort.Tensor('int64', BigInt64Array.from(labels.map(BigInt)), [2]),
  });
  // By hand: q = (1 - e) one-hot + e / C; loss = mean over rows of -sum q log p; d loss / d logits = (p - q) / N.
  let want = 0;
  const wantGrad: number[] = [];
  rows.forEach((r, i) => {
    const z = Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
    r.forEach((v, k) => {
      const q = (k === labels[i] ? 1 - e : 0) + e / 3;
      want -= (q * (v - z)) / rows.length;
      wantGrad.push((Math.exp(v - z) - q) / rows.length);
    });
  });
  assert.ok(Math.abs((out.loss.data[0] as number) - want) < 1e-12, `loss ${out.loss.data[0]} against ${want}`);
  Array.from(out.grad.data as Float64Array).forEach((v, i) => assert.ok(Math.abs(v - wantGrad[i]) < 1e-12, `grad ${i}: ${v} against ${wantGrad[i]}`));
  const h = new Graph();
  assert.throws(() => softmaxCrossEntropy(h, h.input('logits', 'float32', [2, 3]), h.input('labels', 'int64', [2]), { smoothing: 1 }), /smoothing must be in \[0, 1\)/);
});
