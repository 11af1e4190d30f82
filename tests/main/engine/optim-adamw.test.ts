import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';
import { batch, tinyMlp } from './tiny-mlp.ts';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('the first AdamW step moves each weight by about lr against its gradient sign, after decay', async () => {
  const { step } = tinyMlp({ step: { maxGradNorm: 0 } });
  const r = await TrainStepRunner.create(step, { intraOpNumThreads: 1 });
  const before = r.param('head.weight').slice();
  const lr = 1e-2;
  await r.step(batch(8), lr);
  const after = r.param('head.weight');
  const m = r.getState().m['head.weight'];
  for (let i = 0; i < before.length; i++) {
    const expected = before[i] * (1 - lr * 0.1) - lr * Math.sign(m[i]);
    assert.ok(Math.abs(after[i] - expected) < 1e-6, `element ${i}: ${after[i]} vs ${expected}`);
  }
});

test('weight decay is skipped for parameters flagged decay: false', async () => {
  // head.bias gets a gradient; compare a decayed and an undecayed weight by their step-1 formula.
  const { step } = tinyMlp({ step: { maxGradNorm: 0, adamw: { weightDecay: 0.5 } } });
  const r = await TrainStepRunner.create(step, { intraOpNumThreads: 1 });
  const bias0 = r.param('head.bias').slice();
  const lnw0 = r.param('base.ln.weight').slice();
  await r.step(batch(8), 0.1);
  const s = r.getState();
  const bias = s.params['head.bias'];
  const lnw = s.params['base.ln.weight'];
  for (let i = 0; i < bias.length; i++) assert.ok(Math.abs(bias[i] - (bias0[i] - 0.1 * Math.sign(s.m['head.bias'][i]))) < 1e-6);
  for (let i = 0; i < lnw.length; i++) assert.ok(Math.abs(lnw[i] - (lnw0[i] - 0.1 * Math.sign(s.m['base.ln.weight'][i]))) < 1e-6);
});

test('the in-graph update equals the plain-TS AdamW update used for huge tensors', async () => {
  const inGraph = await TrainStepRunner.create(tinyMlp().step, { intraOpNumThreads: 1 });
  const outside = await TrainStepRunner.create(tinyMlp({ step: { outsideThreshold: 1 } }).step, { intraOpNumThreads: 1 });
  assert.ok(outside.spec.slots.every((s) => !s.inGraph));
  for (let k = 0; k < 5; k++) {
    const lr = 1e-2 * (k + 1);
    const a = await inGraph.step(batch(8, k), lr);
    const b = await outside.step(batch(8, k), lr);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-5);
  }
  const sa = inGraph.getState();
  const sb = outside.getState();
  for (const name of Object.keys(sa.params)) assert.ok(maxDiff(sa.params[name], sb.params[name]) < 1e-5, name);
});

test('global-norm clipping scales the gradient to max_grad_norm', async () => {
  const maxGradNorm = 0.05;
  const r = await TrainStepRunner.create(tinyMlp({ step: { maxGradNorm } }).step, { intraOpNumThreads: 1 });
  const res = await r.step(batch(8), 1e-3);
  assert.ok(res.gradNorm! > maxGradNorm, `test needs an unclipped norm above ${maxGradNorm}, got ${res.gradNorm}`);
  // After one step m = (1 - beta1) * clipped gradient, so the moments' global norm reveals the clip.
  let sq = 0;
  for (const m of Object.values(r.getState().m)) for (const v of m) sq += (v / 0.1) ** 2;
  assert.ok(Math.abs(Math.sqrt(sq) - maxGradNorm) < 1e-5, `clipped norm ${Math.sqrt(sq)}`);
});

test('N accumulated micro-batches give the same update as one N-times-larger batch', async () => {
  const big = await TrainStepRunner.create(tinyMlp().step, { intraOpNumThreads: 1 });
  const acc = await TrainStepRunner.create(tinyMlp({ step: { accumulation: true } }).step, { intraOpNumThreads: 1 });
  for (let k = 0; k < 3; k++) {
    const lr = 1e-2;
    const whole = await big.step(batch(12, 12 * k), lr);
    const l1 = await acc.accumulate(batch(4, 12 * k));
    const l2 = await acc.accumulate(batch(4, 12 * k + 4));
    const l3 = await acc.step(batch(4, 12 * k + 8), lr);
    assert.ok(Math.abs(whole.loss - (l1.loss + l2.loss + l3.loss) / 3) < 1e-5);
    assert.ok(Math.abs(whole.gradNorm! - l3.gradNorm!) < 1e-5);
  }
  const a = big.getState();
  const b = acc.getState();
  for (const name of Object.keys(a.params)) assert.ok(maxDiff(a.params[name], b.params[name]) < 1e-5, name);
});
