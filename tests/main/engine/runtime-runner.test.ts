import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import { listProviders } from '../../../main/engine/runtime/providers.ts';
import { createSession } from '../../../main/engine/runtime/session.ts';
import { TrainStepRunner } from '../../../main/engine/runtime/train-step-runner.ts';
import { batch, tinyMlp } from './tiny-mlp.ts';

function identityModel(): Uint8Array {
  const g = new Graph();
  g.output(g.Relu(g.input('x', 'float32', [2])), 'y');
  return toOnnx(g);
}

test('CPU is always listed among providers', () => {
  const names = listProviders().map((p) => p.name);
  assert.ok(names.includes('cpu'));
});

test('an unavailable provider falls back to CPU with a message saying why', async () => {
  const wanted = process.platform === 'win32' ? 'coreml' : 'dml';
  const s = await createSession(identityModel(), { provider: wanted });
  assert.equal(s.provider, 'cpu');
  assert.match(s.fallbackReason ?? '', /not offered.*using CPU/);
});

test('training reduces the loss and the runner feeds state back run after run', async () => {
  const r = await TrainStepRunner.create(tinyMlp().step, { intraOpNumThreads: 1 });
  const first = await r.step(batch(16), 5e-2);
  let last = first;
  for (let k = 0; k < 30; k++) last = await r.step(batch(16), 5e-2);
  assert.equal(r.stepCount, 31);
  assert.ok(last.loss < first.loss * 0.8, `loss ${first.loss} -> ${last.loss}`);
  assert.deepEqual(last.outputs.logits.dims, [16, 3]);
});

test('saving and restoring runner state reproduces the next step exactly', async () => {
  const r = await TrainStepRunner.create(tinyMlp().step, { intraOpNumThreads: 1 });
  await r.step(batch(8), 1e-2);
  await r.step(batch(8, 8), 1e-2);
  const saved = r.getState();
  const a = await r.step(batch(8, 16), 1e-2);
  const pa = r.param('head.weight').slice();
  r.setState(saved);
  const b = await r.step(batch(8, 16), 1e-2);
  assert.equal(a.loss, b.loss);
  assert.deepEqual(r.param('head.weight'), pa);
  assert.throws(() => r.setState({ ...saved, params: {} }), /checkpoint parameter "base.fc.weight" is missing/);
});
