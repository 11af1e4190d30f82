// Forward parity of the from-scratch model with PyTorch's nn.TransformerEncoder
// (tests/fixtures/scratch-parity/make_fixture.py), eval mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph, toOnnx } from '../../../main/engine/graph/index.ts';
import { readScratchFolder } from '../../../main/engine/io/scratch-folder.ts';
import { buildScratch } from '../../../main/engine/models/scratch.ts';

const FIXTURE = path.join(import.meta.dirname, '../../fixtures/scratch-parity');
interface Fixture { batches: { input_ids: number[][]; attention_mask: number[][] }[]; logits: Record<string, number[][][]> }
const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Fixture;
const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);

for (const [folder, what] of [['model', 'mean pooling'], ['model-mean-max', 'mean and max pooling']]) {
  test(`from-scratch forward logits (${what}) match PyTorch to 1e-4 relative`, () => parity(folder));
}

async function parity(folder: string): Promise<void> {
  const { config, weights } = readScratchFolder(path.join(FIXTURE, folder));
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  g.output(buildScratch(g, { inputIds, attentionMask }, { config, weights, inference: true }), 'logits');
  const session = await ort.InferenceSession.create(toOnnx(g));
  let worst = 0;
  for (const [i, b] of fixture.batches.entries()) {
    const out = (await session.run({ input_ids: int64(b.input_ids), attention_mask: int64(b.attention_mask) })).logits.data as Float32Array;
    const ref = fixture.logits[folder][i].flat();
    for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs(out[j] - ref[j]) / Math.max(Math.abs(ref[j]), 1e-3));
  }
  console.log(`scratch forward parity (${folder}): max relative error ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4, `${folder}: max relative error ${worst}`);
}
