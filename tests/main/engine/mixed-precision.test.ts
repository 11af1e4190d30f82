import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { fromHalf, halfBits, toHalf } from '../../../main/engine/graph/dtype.ts';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import { Rng } from '../../../main/engine/models/init.ts';
import { LossScaler, TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';
import { type Family, tinyBatches, tinyTrainGraph } from './tiny-train-graphs.ts';

// Mixed precision (float16 compute, float32 master weights, dynamic loss scaling) checked on the CPU
// provider, which runs every float16 op the transformed graphs use.

test('half-precision conversion rounds as onnxruntime Cast does and clamps finite overflow', async () => {
  const g = new Graph();
  g.output(g.Cast(g.input('x', 'float32', ['n']), { to: 'float16' }), 'y');
  const s = await ort.InferenceSession.create(toOnnx(g));
  const rng = new Rng(4);
  const xs = Float32Array.from({ length: 4000 }, (_, i) => (rng.next() - 0.5) * [1e-7, 1e-4, 1, 300, 60000][i % 5]);
  const y = (await s.run({ x: new ort.Tensor('float32', xs, [xs.length]) })).y.data as Uint16Array;
  assert.deepEqual(toHalf(xs), y);
  assert.equal(fromHalf(halfBits(1e9)), 65504);
  assert.equal(fromHalf(halfBits(-1e9)), -65504);
  assert.equal(fromHalf(halfBits(Infinity)), Infinity);
  assert.equal(fromHalf(halfBits(2 ** -24)), 2 ** -24);
  assert.equal(fromHalf(halfBits(0.1)), 0.0999755859375);
});

const build = (family: Family, mixedPrecision: boolean) => tinyTrainGraph(family, { step: { mixedPrecision } });

test('the transform computes matrix products in float16 and keeps master weights, norms and the loss in float32', () => {
  const { g, step, logits } = build('roberta', true);
  const byOp = (op: string) => g.nodes.filter((n) => n.op === op && !n.name.includes('grad'));
  assert.ok(byOp('MatMul').length > 0 && byOp('MatMul').every((n) => n.outputs[0].dtype === 'float16'));
  assert.ok(byOp('LayerNormalization').every((n) => n.outputs[0].dtype === 'float32'));
  assert.ok(byOp('Softmax').every((n) => n.outputs[0].dtype === 'float32'));
  assert.equal(logits.dtype, 'float16');
  assert.ok(step.slots.every((s) => g.inputs.find((v) => v.name === s.name)?.dtype === 'float32'), 'trainable parameters stay float32 inputs');
  // Frozen matrices are read in float16 only (the float32 originals are left out of the model).
  const read = new Set(g.nodes.flatMap((n) => n.inputs));
  const frozen = g.params.filter((p) => !p.trainable && p.shape.length === 2);
  assert.ok(frozen.length > 0);
  for (const p of frozen) {
    assert.ok(!read.has(p.value), `${p.name} is read in float32`);
    assert.ok(g.initializers.some((i) => i.value.name === `${p.name}.fp16` && i.value.dtype === 'float16' && read.has(i.value)), `${p.name}.fp16`);
  }
  assert.ok(step.lossScaleInput && step.finiteOutput);
});

for (const family of ['scratch', 'roberta'] as const) {
  test(`${family}: 20 mixed-precision steps track float32 training`, async () => {
    const a = build(family, false);
    const b = build(family, true);
    const batches = tinyBatches(family, a.drop, 20);
    const r32 = await TrainStepRunner.create(a.step, { intraOpNumThreads: 1 });
    const r16 = await TrainStepRunner.create(b.step, { intraOpNumThreads: 1 });
    let worst = 0;
    let skipped = 0;
    for (const f of batches) {
      // At this size, training at higher rates is chaotic: a 1e-4 change of the rate alone moves
      // float32 losses by 0.03 within 20 steps, so the comparison runs where the paths stay close.
      const x = await r32.step(f, 1e-3);
      const y = await r16.step(f, 1e-3);
      if (y.skipped) skipped++;
      worst = Math.max(worst, Math.abs(x.loss - y.loss));
      assert.equal((y.outputs.logits.data as Float32Array).constructor, Float32Array);
    }
    assert.equal(skipped, 0, 'no overflow at the initial scale');
    assert.ok(worst < 0.02, `${family}: largest loss difference ${worst}`);
    await r32.release();
    await r16.release();
  });
}

test('an injected overflow skips the step, halves the scale, and training recovers', async () => {
  const { step, drop } = build('scratch', true);
  const batches = tinyBatches('scratch', drop, 40);
  const r = await TrainStepRunner.create(step, { intraOpNumThreads: 1 });
  await r.step(batches[0], 5e-3);
  const before = r.getState();
  r.lossScaler.scale = 2 ** 40;
  const hit = await r.step(batches[1], 5e-3);
  assert.equal(hit.skipped, true);
  assert.equal(r.lossScaler.scale, 2 ** 39);
  assert.equal(r.stepCount, 1, 'a skipped step does not count for AdamW');
  const after = r.getState();
  for (const s of step.slots) {
    assert.deepEqual(after.params[s.name], before.params[s.name], `${s.name} unchanged`);
    assert.deepEqual(after.m[s.name], before.m[s.name]);
  }
  let k = 2;
  while (k < batches.length && (await r.step(batches[k], 5e-3)).skipped) k++;
  assert.ok(k < batches.length, 'a finite step came back');
  assert.ok(r.lossScaler.scale < 2 ** 39 && r.lossScaler.scale >= 1, `scale ${r.lossScaler.scale}`);
  const counted = r.stepCount;
  const last = await r.step(batches[k + 1], 5e-3);
  assert.equal(last.skipped, false);
  assert.equal(r.stepCount, counted + 1);
  await r.release();
});

test('the loss scale doubles after its growth interval of finite steps and gives up below its floor', () => {
  const s = new LossScaler();
  s.growthInterval = 3;
  assert.equal(s.update(true), true);
  assert.equal(s.update(true), true);
  assert.equal(s.scale, 2 ** 16);
  s.update(true);
  assert.equal(s.scale, 2 ** 17);
  assert.equal(s.update(false), false);
  assert.equal(s.scale, 2 ** 16);
  assert.equal(s.goodSteps, 0);
  s.scale = LossScaler.MIN_SCALE;
  assert.throws(() => s.update(false), /overflows in float16.*turn mixed precision off/);
});
