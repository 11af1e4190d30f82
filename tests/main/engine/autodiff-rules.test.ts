import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { gradients } from '../../../main/engine/autodiff/index.ts';
import { Graph } from '../../../main/engine/graph/graph.ts';
import type { Value } from '../../../main/engine/graph/value.ts';
import { type Build, type CheckInput, analytic, maxRelError, numeric, rand } from './gradcheck.ts';

// Every gradient rule against central finite differences in float64. The table of max relative
// errors is printed at the end (it goes into the engineering report).

const report: Record<string, number> = {};
after(() => {
  const rows = Object.entries(report).map(([k, v]) => `${k.padEnd(28)} ${v.toExponential(2)}`);
  console.log(`max relative error per case (float64 central differences):\n${rows.join('\n')}`);
});

const pos = (n: number, seed: number) => rand(n, seed).map((v) => 0.5 + Math.abs(v));
const away = (n: number, seed: number) => rand(n, seed).map((v) => (v < 0 ? v - 0.2 : v + 0.2));
const inp = (shape: number[], data?: number[], seed = 3): CheckInput => ({
  shape,
  data: data ?? rand(shape.reduce((a, b) => a * b, 1), seed),
});

async function check(name: string, build: Build, inputs: CheckInput[]): Promise<void> {
  const a = await analytic('float64', build, inputs);
  const n = await numeric(build, inputs);
  const { rel, absNearZero } = maxRelError(a, n);
  report[name] = rel;
  assert.ok(rel < 1e-4, `${name}: max relative error ${rel}`);
  assert.ok(absNearZero < 1e-6, `${name}: abs error near zero ${absNearZero}`);
}

const cases: [string, Build, CheckInput[]][] = [
  ['Add (broadcast)', (g, [a, b]) => g.Add(a, b), [inp([2, 3]), inp([3], undefined, 5)]],
  ['Sub (broadcast)', (g, [a, b]) => g.Sub(a, b), [inp([2, 3]), inp([2, 1], undefined, 5)]],
  ['Mul (broadcast)', (g, [a, b]) => g.Mul(a, b), [inp([2, 1, 3]), inp([4, 1], undefined, 5)]],
  ['Div', (g, [a, b]) => g.Div(a, b), [inp([2, 3]), inp([3], pos(3, 5))]],
  ['Pow', (g, [a, b]) => g.Pow(a, b), [inp([2, 3], pos(6, 2)), inp([3], rand(3, 9))]],
  ['Max', (g, [a, b]) => g.Max(a, b), [inp([2, 3]), inp([2, 3], undefined, 11)]],
  ['Min', (g, [a, b]) => g.Min(a, b), [inp([2, 3]), inp([3], undefined, 11)]],
  ['Neg', (g, [a]) => g.Neg(a), [inp([5])]],
  ['Abs', (g, [a]) => g.Abs(a), [inp([6], away(6, 4))]],
  ['Sqrt', (g, [a]) => g.Sqrt(a), [inp([5], pos(5, 4))]],
  ['Exp', (g, [a]) => g.Exp(a), [inp([5])]],
  ['Log', (g, [a]) => g.Log(a), [inp([5], pos(5, 4))]],
  ['Tanh', (g, [a]) => g.Tanh(a), [inp([5])]],
  ['Sigmoid', (g, [a]) => g.Sigmoid(a), [inp([5])]],
  ['Relu', (g, [a]) => g.Relu(a), [inp([6], away(6, 4))]],
  ['Gelu (float64 = tanh form)', (g, [a]) => g.Gelu(a), [inp([6], rand(6, 4).map((v) => v * 3))]],
  ['Identity', (g, [a]) => g.Identity(a), [inp([4])]],
  ['Cast', (g, [a]) => g.Cast(a, { to: 'float64' }), [inp([4])]],
  ['CumSum', (g, [a]) => g.CumSum(a, 1), [inp([2, 4])]],
  ['CumSum exclusive reverse', (g, [a]) => g.CumSum(a, 0, { exclusive: 1, reverse: 1 }), [inp([3, 2])]],
  ['MatMul 2D', (g, [a, b]) => g.MatMul(a, b), [inp([2, 3]), inp([3, 4], undefined, 5)]],
  ['MatMul 3D x 2D', (g, [a, b]) => g.MatMul(a, b), [inp([2, 3, 4]), inp([4, 2], undefined, 5)]],
  ['MatMul 4D batched', (g, [a, b]) => g.MatMul(a, b), [inp([2, 2, 3, 2]), inp([2, 2, 2, 3], undefined, 5)]],
  ['MatMul broadcast batch', (g, [a, b]) => g.MatMul(a, b), [inp([2, 3, 2]), inp([1, 2, 3], undefined, 5)]],
  ['Gemm', (g, [a, b, c]) => g.Gemm(a, b, c, { alpha: 0.7, beta: 1.3 }), [inp([2, 3]), inp([3, 4], undefined, 5), inp([4], undefined, 6)]],
  ['Gemm transA', (g, [a, b, c]) => g.Gemm(a, b, c, { transA: 1 }), [inp([3, 2]), inp([3, 4], undefined, 5), inp([2, 1], undefined, 6)]],
  ['Gemm transB', (g, [a, b]) => g.Gemm(a, b, null, { transB: 1 }), [inp([2, 3]), inp([4, 3], undefined, 5)]],
  ['Gemm transA transB', (g, [a, b]) => g.Gemm(a, b, null, { transA: 1, transB: 1, alpha: 2 }), [inp([3, 2]), inp([4, 3], undefined, 5)]],
  ['Softmax', (g, [a]) => g.Softmax(a, { axis: -1 }), [inp([2, 4])]],
  ['Softmax axis 0', (g, [a]) => g.Softmax(a, { axis: 0 }), [inp([3, 2])]],
  ['LogSoftmax', (g, [a]) => g.LogSoftmax(a, { axis: 1 }), [inp([2, 4])]],
  ['LayerNorm (decomposed)', (g, [x, s, b]) => g.LayerNormalization(x, s, b, { epsilon: 1e-5 }), [inp([2, 5]), inp([5], undefined, 5), inp([5], undefined, 6)]],
  ['Gather (embedding)', (g, [w, i]) => g.Gather(w, i), [inp([5, 3]), { shape: [2, 3], data: [0, 4, 2, 2, 1, 0], int: true }]],
  ['GatherND', (g, [w, i]) => g.GatherND(w, i), [inp([3, 4]), { shape: [2, 1], data: [2, 0], int: true }]],
  ['ScatterND add', (g, [d, i, u]) => g.ScatterND(d, i, u, { reduction: 'add' }), [inp([4, 2]), { shape: [3, 1], data: [1, 3, 1], int: true }, inp([3, 2], undefined, 5)]],
  ['ScatterND none', (g, [d, i, u]) => g.ScatterND(d, i, u), [inp([4, 2]), { shape: [2, 1], data: [1, 3], int: true }, inp([2, 2], undefined, 5)]],
  ['Reshape', (g, [a]) => g.Reshape(a, [0, -1]), [inp([2, 3, 2])]],
  ['Reshape symbolic', (g, [a]) => g.Reshape(a, [0, 0, 2, 2]), [{ ...inp([2, 3, 4]), declared: ['batch', 'seq', 4] }]],
  ['Transpose', (g, [a]) => g.Transpose(a, { perm: [1, 2, 0] }), [inp([2, 3, 4])]],
  ['Unsqueeze', (g, [a]) => g.Unsqueeze(a, { axes: [0, -1] }), [inp([2, 3])]],
  ['Squeeze', (g, [a]) => g.Squeeze(a, { axes: [1] }), [inp([2, 1, 3])]],
  ['Expand', (g, [a]) => g.Expand(a, [2, 3, 4]), [inp([3, 1])]],
  ['ReduceSum', (g, [a]) => g.ReduceSum(a, { axes: [0, 2], keepdims: 0 }), [inp([2, 3, 2])]],
  ['ReduceMean keepdims', (g, [a]) => g.ReduceMean(a, { axes: [-1], keepdims: 1 }), [inp([2, 3])]],
  ['ReduceMean symbolic', (g, [a]) => g.ReduceMean(a, { axes: [1], keepdims: 0 }), [{ ...inp([2, 3, 2]), declared: [2, 'seq', 2] }]],
  ['ReduceMax', (g, [a]) => g.ReduceMax(a, { axes: [1], keepdims: 0 }), [inp([2, 3, 2])]],
  ['ReduceMax keepdims symbolic', (g, [a]) => g.ReduceMax(a, { axes: [1], keepdims: 1 }), [{ ...inp([2, 3, 2]), declared: ['batch', 'seq', 2] }]],
  ['Concat', (g, [a, b]) => g.Concat([a, b, a], { axis: 1 }), [inp([2, 2]), inp([2, 3], undefined, 5)]],
  ['Slice', (g, [a]) => g.Slice(a, { starts: [1, 0], ends: [3, -1], axes: [0, 1] }), [inp([4, 3])]],
  ['Slice first token symbolic', (g, [a]) => g.Slice(a, { starts: [0], ends: [1], axes: [1] }), [{ ...inp([2, 3, 2]), declared: ['batch', 'seq', 2] }]],
  ['Pad', (g, [a]) => g.Pad(a, [1, 0, 0, 2]), [inp([2, 3])]],
  ['Where', (g, [a, b]) => g.Where(g.Greater(a, 0), a, b), [inp([2, 3], away(6, 8)), inp([3], undefined, 5)]],
];

for (const [name, build, inputs] of cases) test(`gradient of ${name} matches finite differences`, () => check(name, build, inputs));

test('a composite (linear, tanh-GELU, LayerNorm, softmax cross-entropy) matches finite differences', async () => {
  const build: Build = (g: Graph, [x, w, b, s]: Value[]) => {
    const h = g.Gelu(g.Add(g.MatMul(x, w), b));
    const z = g.LayerNormalization(h, s, null);
    const lp = g.LogSoftmax(z);
    return g.ReduceMean(lp, { axes: [0], keepdims: 0 });
  };
  await check('composite MLP', build, [inp([3, 4]), inp([4, 3], undefined, 5), inp([3], undefined, 6), inp([3], pos(3, 7))]);
});

// Attention with the softmax hint (Graph.hintSoftmaxFeedsMatMul): softmax, an element-wise factor
// (a dropout mask and its scale), then a product with v. The hinted backward reduces over v's width.
const attention = (hint: boolean, extraReader = false): Build => (g: Graph, [s, m, v]: Value[]) => {
  const probs = g.Softmax(s, { axis: -1 });
  const out = g.MatMul(g.Mul(g.Mul(probs, m), 1.25), v);
  if (hint) g.hintSoftmaxFeedsMatMul(probs, out);
  return extraReader ? g.Add(out, g.ReduceSum(g.Mul(probs, probs), { axes: [-1], keepdims: 1 })) : out;
};
const attentionInputs = () => [inp([2, 3, 4]), inp([2, 3, 4], rand(24, 9).map((x) => (x < -0.6 ? 0 : 1))), inp([2, 4, 5], undefined, 5)];

test('the hinted softmax backward (attention) matches finite differences and the plain backward', async () => {
  await check('Softmax -> MatMul hinted', attention(true), attentionInputs());
  const hinted = await analytic('float64', attention(true), attentionInputs());
  const plain = await analytic('float64', attention(false), attentionInputs());
  assert.deepEqual(hinted[1], plain[1], 'the mask and v gradients do not involve the hint');
  for (let i = 0; i < plain[0].length; i++) assert.ok(Math.abs(hinted[0][i] - plain[0][i]) < 1e-12, `element ${i}`);
});

// The CPU graph's dropout selects with a bool mask, Where(keep, probs, 0), instead of multiplying.
const attentionWhere = (hint: boolean): Build => (g: Graph, [s, m, v]: Value[]) => {
  const probs = g.Softmax(s, { axis: -1 });
  const out = g.MatMul(g.Mul(g.Where(g.Greater(m, 0.5), probs, 0), 1.25), v);
  if (hint) g.hintSoftmaxFeedsMatMul(probs, out);
  return out;
};

test('the hint holds through a Where(keep, probs, 0) dropout: finite differences and the plain backward', async () => {
  await check('Softmax -> Where -> MatMul hinted', attentionWhere(true), attentionInputs());
  const hinted = await analytic('float64', attentionWhere(true), attentionInputs());
  const plain = await analytic('float64', attentionWhere(false), attentionInputs());
  for (let i = 0; i < plain[0].length; i++) assert.ok(Math.abs(hinted[0][i] - plain[0][i]) < 1e-12, `element ${i}`);
  assert.deepEqual(hinted[2], plain[2]);
});

test('a softmax output read elsewhere too falls back to the plain backward', async () => {
  await check('Softmax hinted, two readers', attention(true, true), attentionInputs());
});

test('the softmax hint refuses what it cannot vouch for', () => {
  const g = new Graph({ dtype: 'float64' });
  const s = g.input('s', 'float64', [2, 3]);
  const v = g.input('v', 'float64', [3, 2]);
  const probs = g.Softmax(s, { axis: -1 });
  assert.throws(() => g.hintSoftmaxFeedsMatMul(g.Exp(s), g.MatMul(probs, v)), /not a Softmax output/);
  assert.throws(() => g.hintSoftmaxFeedsMatMul(probs, g.Add(probs, 1)), /not a MatMul output/);
  assert.throws(() => g.hintSoftmaxFeedsMatMul(probs, g.MatMul(g.Add(probs, 1), v)), /times element-wise factors/);
  assert.throws(() => g.hintSoftmaxFeedsMatMul(probs, g.MatMul(g.Mul(probs, probs), v)), /exactly one operand/);
  assert.throws(() => g.hintSoftmaxFeedsMatMul(probs, g.MatMul(g.Where(g.Greater(s, 0), probs, 1), v)), /times element-wise factors/);
  assert.throws(() => g.hintSoftmaxFeedsMatMul(g.Softmax(s, { axis: 0 }), g.MatMul(probs, v)), /last axis/);
});

test('the hinted softmax backward reduces over the head width, not the sequence', () => {
  const widths = (hint: boolean) => {
    const g = new Graph({ dtype: 'float64' });
    const xs = [g.input('s', 'float64', [2, 3, 4]), g.input('m', 'float64', [2, 3, 4]), g.input('v', 'float64', [2, 4, 5])];
    const loss = g.ReduceSum(attention(hint)(g, xs), { axes: [0, 1, 2], keepdims: 0 });
    const before = g.nodes.length;
    gradients(g, loss, [xs[0]]);
    return g.nodes.slice(before).filter((n) => n.op === 'ReduceSum').map((n) => n.inputs[0]!.knownShape.at(-1));
  };
  assert.deepEqual(widths(false), [4]);
  assert.deepEqual(widths(true), [5]);
});

test('the gradient of ReduceMax is shared evenly among tied maxima', async () => {
  // The check loss weighs each output element; with [1, 1, 0] the two maxima split it.
  const [grad] = await analytic('float64', (g, [a]) => g.ReduceMax(a, { axes: [1], keepdims: 0 }), [inp([1, 3], [1, 1, 0])]);
  assert.equal(Math.abs(grad[2]), 0);
  assert.equal(grad[0], grad[1]);
  assert.ok(grad[0] !== 0);
});
