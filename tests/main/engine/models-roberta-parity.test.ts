// Parity with a PyTorch reference (tests/fixtures/roberta-parity/make_fixture.py): the same tiny
// RoBERTa, the same fixed batches, dropout off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph, toOnnx } from '../../../main/engine/graph/index.ts';
import { loadHfRoberta } from '../../../main/engine/io/hf-folder.ts';
import { buildRoberta } from '../../../main/engine/models/roberta.ts';
import { softmaxCrossEntropy } from '../../../main/engine/graph/nn.ts';
import { buildTrainStep } from '../../../main/engine/optim/train-step.ts';
import { linearWarmupDecay, warmupStepsFor } from '../../../main/engine/optim/schedule.ts';
import { TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';

const FIXTURE = path.join(import.meta.dirname, '../../fixtures/roberta-parity');

interface Batch { input_ids: number[][]; attention_mask: number[][]; labels: number[] }
interface Run {
  freeze_base_model: boolean; unfreeze_last_n_layers: number; trainable: string[];
  losses: number[]; lrs: number[]; grad_norms_before_clip: number[]; final_logits_batch0: number[][];
}
interface Fixture {
  batches: Batch[]; logits: number[][][]; runs: Run[];
  optimizer: { lr: number; weight_decay: number; betas: [number, number]; eps: number; max_grad_norm: number; warmup_ratio: number; steps: number };
}

const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Fixture;

/** Largest |a - b| / max(|b|, floor) over all values. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return worst;
}

const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);

test('RoBERTa forward logits match PyTorch to 1e-4 relative', async () => {
  const m = loadHfRoberta(path.join(FIXTURE, 'model'));
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const { logits } = buildRoberta(g, { inputIds, attentionMask }, {
    config: m.config, encoder: m.encoder, head: m.head, labels: m.config.id2label!,
    training: { freeze_base_model: true, unfreeze_last_n_layers: 0 }, inference: true,
  });
  g.output(logits, 'logits');
  const session = await ort.InferenceSession.create(toOnnx(g));
  let worst = 0;
  for (const [i, b] of fixture.batches.entries()) {
    const out = await session.run({ input_ids: int64(b.input_ids), attention_mask: int64(b.attention_mask) });
    worst = Math.max(worst, maxRelErr(out.logits.data as Float32Array, fixture.logits[i].flat()));
  }
  console.log(`roberta forward parity: max relative error ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4, `max relative error ${worst}`);
});

for (const run of fixture.runs) {
  const mode = run.freeze_base_model ? `freeze base, last ${run.unfreeze_last_n_layers} layer(s) trainable` : 'full fine-tune';
  test(`RoBERTa: 20 AdamW steps (${mode}) give PyTorch's losses to 1e-4 relative`, async () => {
    const m = loadHfRoberta(path.join(FIXTURE, 'model'));
    const g = new Graph();
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    const labels = g.input('labels', 'int64', ['batch']);
    const { logits } = buildRoberta(g, { inputIds, attentionMask }, {
      config: m.config, encoder: m.encoder, head: m.head, labels: m.config.id2label!,
      training: { freeze_base_model: run.freeze_base_model, unfreeze_last_n_layers: run.unfreeze_last_n_layers },
    });
    assert.deepEqual(g.params.filter((p) => p.trainable).map((p) => p.name).sort(), [...run.trainable].sort());
    const o = fixture.optimizer;
    const step = buildTrainStep(g, {
      loss: softmaxCrossEntropy(g, logits, labels), outputs: { logits },
      adamw: { beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weight_decay }, maxGradNorm: o.max_grad_norm,
    });
    const runner = await TrainStepRunner.create(step, { intraOpNumThreads: 1 });
    const warmup = warmupStepsFor(o.steps, o.warmup_ratio);
    let worstLoss = 0;
    let worstNorm = 0;
    for (let s = 0; s < o.steps; s++) {
      const b = fixture.batches[s % fixture.batches.length];
      const lr = linearWarmupDecay(s, o.lr, o.steps, warmup);
      assert.ok(Math.abs(lr - run.lrs[s]) <= 1e-12 * o.lr, `schedule at step ${s}`);
      const r = await runner.step({
        input_ids: int64(b.input_ids), attention_mask: int64(b.attention_mask),
        labels: new ort.Tensor('int64', BigInt64Array.from(b.labels.map(BigInt)), [b.labels.length]),
      }, lr);
      worstLoss = Math.max(worstLoss, Math.abs(r.loss - run.losses[s]) / Math.abs(run.losses[s]));
      worstNorm = Math.max(worstNorm, Math.abs(r.gradNorm! - run.grad_norms_before_clip[s]) / run.grad_norms_before_clip[s]);
    }
    console.log(`roberta training parity (${mode}): losses max rel err ${worstLoss.toExponential(2)}, grad norms ${worstNorm.toExponential(2)}`);
    assert.ok(worstLoss < 1e-4, `loss max relative error ${worstLoss}`);
    assert.ok(worstNorm < 1e-4, `grad norm max relative error ${worstNorm}`);
  });
}
