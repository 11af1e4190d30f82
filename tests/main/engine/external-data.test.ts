import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { linear } from '../../../main/engine/graph/nn.ts';
import { EXTERNAL_ALIGN, toOnnx, toOnnxExternal } from '../../../main/engine/graph/serialize.ts';
import { Rng } from '../../../main/engine/models/init.ts';
import { externalDataName, removeModelWithExternalData, writeModelWithExternalData } from '../../../main/engine/runtime/external-data.ts';
import { createSession } from '../../../main/engine/runtime/session.ts';

/** Two linear layers: a large weight (external) and a small one (kept inline). */
function model(): Graph {
  const rng = new Rng(7);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  const frozen = { trainable: false };
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', 256]);
  const h = g.Relu(linear(g, x, g.param('w1', rand(256 * 512), [256, 512], frozen), g.param('b1', rand(512), [512], frozen)));
  g.output(linear(g, h, g.param('w2', rand(4 * 512), [512, 4], frozen), null), 'logits');
  return g;
}

test('a model with external data gives the same logits as the in-memory one, its data in one aligned file', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-extdata-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'model.onnx');
  const g = model();
  writeModelWithExternalData(file, g, { minBytes: 64 * 1024 });
  const data = path.join(dir, externalDataName(file));
  assert.equal(path.basename(data), 'model.onnx.data');
  // Only w1 (512 KiB) is external; the model file itself is small, and no temporary file is left.
  assert.equal(fs.statSync(data).size, 256 * 512 * 4);
  assert.ok(fs.statSync(file).size < 64 * 1024, `model file is ${fs.statSync(file).size} bytes`);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.onnx', 'model.onnx.data']);
  const ext = toOnnxExternal(model(), { externalData: { location: 'm.data', minBytes: 1 } });
  assert.equal(ext.external.length, 3);
  for (const e of ext.external) assert.equal(e.offset % EXTERNAL_ALIGN, 0);

  const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 256 }, (_, i) => Math.sin(i)), [3, 256]);
  const inMemory = await ort.InferenceSession.create(toOnnx(model()));
  const { session: fromFile } = await createSession(file);
  const a = (await inMemory.run({ x })).logits.data as Float32Array;
  const b = (await fromFile.run({ x })).logits.data as Float32Array;
  assert.deepEqual([...b], [...a]);
  await inMemory.release();
  await fromFile.release();

  removeModelWithExternalData(file);
  assert.deepEqual(fs.readdirSync(dir), []);
  removeModelWithExternalData(file); // a second removal is harmless
});

test('an external-data location that is not a plain file name is refused', () => {
  assert.throws(() => toOnnxExternal(model(), { externalData: { location: '../w.data' } }), /must be a plain file name/);
  assert.throws(() => toOnnxExternal(model(), { externalData: { location: 'a/w.data' } }), /must be a plain file name/);
});

test('a failed write leaves no temporary file behind and names the model', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-extdata-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The model path is a folder, so the final rename fails.
  const file = path.join(dir, 'model.onnx');
  fs.mkdirSync(path.join(file, 'x'), { recursive: true });
  assert.throws(() => writeModelWithExternalData(file, model(), { minBytes: 1 }), /could not write the model .*model\.onnx/);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});
