import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph } from '../../../main/engine/graph/graph.ts';
import type { OpType } from '../../../main/engine/graph/ops.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import { TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';
import { type Family, masksFor, tinyBatches, tinyTrainGraph } from './tiny-train-graphs.ts';

// The graph a WebGPU run trains (target 'webgpu': ops that provider has, every AdamW update inside
// the graph so state can stay on the device) against the CPU's (large tensors updated by the plain
// TypeScript loop), both run here on the CPU provider with the same batches and dropout masks.

async function twentySteps(family: Family) {
  // Full fine-tuning, so RoBERTa's embeddings are trainable and large enough to go outside on the CPU.
  const cpu = tinyTrainGraph(family, { fullFineTune: true, step: { outsideThreshold: 1000 } });
  const gpu = tinyTrainGraph(family, { fullFineTune: true, target: 'webgpu', step: { outsideThreshold: Infinity } });
  const ops = new Set<string>(gpu.g.nodes.map((n) => n.op));
  for (const missing of ['Dropout', 'SoftmaxCrossEntropyLoss', 'ConstantOfShape', 'Loop']) assert.ok(!ops.has(missing), `${family}: ${missing} in the WebGPU graph`);
  assert.ok(cpu.step.slots.some((s) => !s.inGraph), `${family}: the CPU graph updates its largest tensors outside the graph`);
  assert.ok(gpu.step.slots.every((s) => s.inGraph), `${family}: the WebGPU graph updates everything inside`);
  const a = await TrainStepRunner.create(cpu.step, { intraOpNumThreads: 1 });
  const b = await TrainStepRunner.create(gpu.step, { intraOpNumThreads: 1 });
  const batches = tinyBatches(family, cpu.drop, 20);
  for (const [k, f] of batches.entries()) {
    const la = (await a.step(f, 5e-3)).loss;
    const lb = (await b.step(masksFor(f, gpu.drop), 5e-3)).loss;
    assert.ok(Math.abs(la - lb) <= 1e-5, `${family} step ${k + 1}: loss ${la} vs ${lb}`);
  }
  await b.sync();
  let worst = 0;
  for (const s of cpu.step.slots) {
    const x = a.param(s.name);
    const y = b.param(s.name);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  assert.ok(worst <= 1e-5, `${family}: largest weight difference after 20 steps ${worst}`);
  await a.release();
  await b.release();
}

test('scratch: the WebGPU training graph matches the standard one for 20 steps on the CPU', () => twentySteps('scratch'));
test('RoBERTa: the WebGPU training graph matches the standard one for 20 steps on the CPU', () => twentySteps('roberta'));

test('a WebGPU graph refuses an op that provider lacks when it is serialised', () => {
  // The builder has no Dropout (OpType leaves it out); serialisation checks again for WebGPU graphs.
  const g = new Graph({ target: 'webgpu' });
  const x = g.input('x', 'float32', [2]);
  g.output(g.emit('Dropout' as OpType, [x], {}, [{ dtype: 'float32', shape: [2] }])[0], 'y');
  assert.throws(() => toOnnx(g), /uses Dropout, which the WebGPU provider lacks/);
});
