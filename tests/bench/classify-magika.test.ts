// The Magika side of bench:classify, run on a stand-in model of the same input and output shape
// built by the graph builder (no real Magika model is on these machines).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { magikaFeatures, magikaRates, readMagikaConfig, writeFakeMagika } from '../../bench/classify-magika.ts';
import { tempDir } from '../helpers/temp.ts';

const LABELS = ['python', 'javascript', 'txt'];

test('features: leading whitespace stripped then the first bytes, trailing stripped then the last bytes, padded', () => {
  const c = { begSize: 4, midSize: 0, endSize: 4, blockSize: 16, paddingToken: 256, labels: LABELS };
  assert.deepEqual([...magikaFeatures(Buffer.from('  \nabcdef\n\n'), c)], [...Buffer.from('abcd'), ...Buffer.from('cdef')]);
  // Only the leading side is stripped for the beginning, only the trailing side for the end.
  assert.deepEqual([...magikaFeatures(Buffer.from(' ab '), c)], [0x61, 0x62, 0x20, 256, 256, 0x20, 0x61, 0x62]);
  assert.deepEqual([...magikaFeatures(Buffer.alloc(0), c)], new Array(8).fill(256));
  // Only the first and last block_size bytes are looked at.
  const long = Buffer.concat([Buffer.from(' '.repeat(20)), Buffer.from('x'.repeat(20))]);
  assert.deepEqual([...magikaFeatures(long, c)].slice(0, 4), [256, 256, 256, 256]);
});

test('the model is run at batch 1 and batched on files in memory, with the same top labels either way', async () => {
  const dir = path.join(tempDir(), 'magika');
  writeFakeMagika(dir, { begSize: 16, endSize: 16, labels: LABELS });
  const files = Array.from({ length: 9 }, (_, i) => Buffer.from(`def f${i}(x):\n    return x * ${i}\n`.repeat(1 + i)));
  const m = await magikaRates(dir, files, { threads: 1, batchSizes: [1, 4], repeats: 1 });
  assert.deepEqual(m.labels, LABELS);
  assert.equal(m.top.length, 9);
  assert.ok(m.top.every((l) => LABELS.includes(l)));
  assert.deepEqual(m.rates.map((r) => r.batch), [1, 4]);
  assert.ok(m.rates.every((r) => r.filesPerSecond > 0));
});

test('a folder without the model, or a config without its sizes, is refused by name', () => {
  const dir = tempDir();
  assert.throws(() => readMagikaConfig(dir), /give the folder of a Magika model, holding model.onnx and config.min.json/);
  writeFakeMagika(dir, { begSize: 8, endSize: 8, labels: LABELS });
  const file = path.join(dir, 'config.min.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), end_size: 'many' }));
  assert.throws(() => readMagikaConfig(dir), /config.min.json: "end_size" must be a whole number, got "many"/);
  fs.writeFileSync(file, JSON.stringify({ beg_size: 8, mid_size: 4, end_size: 8, block_size: 64, padding_token: 256, target_labels_space: LABELS }));
  assert.throws(() => readMagikaConfig(dir), /"mid_size" is 4/);
});
