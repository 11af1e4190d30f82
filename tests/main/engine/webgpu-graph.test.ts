import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Graph, type Target } from '../../../main/engine/graph/graph.ts';
import type { OpType } from '../../../main/engine/graph/ops.ts';
import { softmaxCrossEntropy } from '../../../main/engine/graph/nn.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import { tinyRobertaConfig, tinyRobertaWeights } from '../../../main/engine/io/tiny-roberta.ts';
import { DropoutInputs } from '../../../main/engine/models/dropout-inputs.ts';
import { Rng } from '../../../main/engine/models/init.ts';
import { buildRoberta } from '../../../main/engine/models/roberta.ts';
import { buildScratch, initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { MaskGenerator } from '../../../main/engine/optim/dropout-mask.ts';
import { buildTrainStep } from '../../../main/engine/optim/train-step.ts';
import { TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';

// The graph a WebGPU run trains (target 'webgpu': ops that provider has, every AdamW update inside
// the graph so state can stay on the device) against the CPU's (large tensors updated by the plain
// TypeScript loop), both run here on the CPU provider with the same batches and dropout masks.

const SEQ = 16;
const BATCH = 4;
const LABELS = 3;

function build(family: 'scratch' | 'roberta', target: Target) {
  const g = new Graph({ target });
  const drop = new DropoutInputs();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  let logits;
  if (family === 'scratch') {
    const c = scratchConfig(LABELS, { d_model: 32, num_layers: 2, num_heads: 4, dim_feedforward: 64, max_length: SEQ, dropout: 0.1 });
    logits = buildScratch(g, { inputIds, attentionMask }, { config: c, weights: initScratchWeights(c, 3) }, drop.fn);
  } else {
    const rc = tinyRobertaConfig({ seed: 2, max_length: SEQ });
    const encoder = new Map([...tinyRobertaWeights(rc, { seed: 2 })].map(([k, t]) => [k.replace(/^roberta\./, ''), t.data as Float32Array]));
    logits = buildRoberta(g, { inputIds, attentionMask }, {
      config: rc, encoder, head: null, labels: ['a', 'b', 'c'], seed: 2,
      training: { freeze_base_model: false, unfreeze_last_n_layers: 0 },
    }, drop.fn).logits;
  }
  const step = buildTrainStep(g, {
    loss: softmaxCrossEntropy(g, logits, g.input('labels', 'int64', ['batch'])), maxGradNorm: 1.0,
    outsideThreshold: target === 'webgpu' ? Infinity : 1000,
  });
  return { step, drop, g };
}

async function twentySteps(family: 'scratch' | 'roberta') {
  const cpu = build(family, 'cpu');
  const gpu = build(family, 'webgpu');
  const ops = new Set<string>(gpu.g.nodes.map((n) => n.op));
  for (const missing of ['Dropout', 'SoftmaxCrossEntropyLoss', 'ConstantOfShape', 'Loop']) assert.ok(!ops.has(missing), `${family}: ${missing} in the WebGPU graph`);
  assert.ok(cpu.step.slots.some((s) => !s.inGraph), `${family}: the CPU graph updates its embeddings outside the graph`);
  assert.ok(gpu.step.slots.every((s) => s.inGraph), `${family}: the WebGPU graph updates everything inside`);
  const a = await TrainStepRunner.create(cpu.step, { intraOpNumThreads: 1 });
  const b = await TrainStepRunner.create(gpu.step, { intraOpNumThreads: 1 });
  const rng = new Rng(5);
  const gen = new MaskGenerator(9);
  const vocab = family === 'scratch' ? 256 : 290;
  for (let k = 0; k < 20; k++) {
    const ids = BigInt64Array.from({ length: BATCH * SEQ }, () => BigInt(4 + Math.floor(rng.next() * (vocab - 4))));
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [BATCH, SEQ]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(BATCH * SEQ).fill(1n), [BATCH, SEQ]),
      labels: new ort.Tensor('int64', BigInt64Array.from({ length: BATCH }, (_, i) => ids[i * SEQ + 1] % BigInt(LABELS)), [BATCH]),
    };
    const masks = cpu.drop.masks(gen, { batch: BATCH, seq: SEQ });
    const la = (await a.step({ ...feeds, ...masks }, 5e-3)).loss;
    const lb = (await b.step({ ...feeds, ...masks }, 5e-3)).loss;
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
