// Two exported models over the same texts: one tokenizing pass feeds both when their tokenizers
// are the same, each model's tokenizer runs when they differ, and either way each model answers
// exactly what it answers alone.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Classifier } from '../../../main/engine/export/classifier.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { predictTogether } from '../../../main/engine/export/predict-together.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import type { SecondLook } from '../../../main/engine/tokenize/second-look.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, pySource } from '../data/helpers.ts';

async function model(labels: string[], seed: number, maxLength: number, secondLook?: SecondLook): Promise<Classifier> {
  const dir = path.join(tempDir(), 'model');
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: maxLength });
  exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, seed), labels, ...(secondLook ? { second_look: secondLook } : {}) });
  return Classifier.load(dir, { intraOpNumThreads: 1 });
}

/** Counts the tokenizer's encode calls. */
function countEncodes(c: Classifier): { calls: number } {
  const counter = { calls: 0 };
  const encode = c.tokenizer.encode.bind(c.tokenizer);
  c.tokenizer.encode = (texts, pad) => {
    counter.calls++;
    return encode(texts, pad);
  };
  return counter;
}

const texts = Array.from({ length: 40 }, (_, i) => (i % 2 ? pySource(i) : jsSource(i)).repeat(1 + (i % 3)));

test('two models with the same tokenizer share one encoding per batch and answer as they do alone', async () => {
  // The first takes a second look (untrained, it is unsure of every long text), the second none.
  const a = await model(['java', 'javascript', 'python'], 1, 32, { below: 0.99, windows: 3, base_weight: 2 });
  const b = await model(['javascript', 'python', 'ruby'], 2, 32);
  assert.equal(a.tokenizerKey, b.tokenizerKey);
  const alone = [await a.predict(texts, { topK: 3 }), await b.predict(texts, { topK: 3 })];
  const [ca, cb] = [countEncodes(a), countEncodes(b)];
  const together = await predictTogether([a, b], texts, { topK: 3, batchSize: 16 });
  // 40 texts in batches of 16: 3 batches, each tokenized once for both models (the second look's windows apart).
  assert.equal(ca.calls + cb.calls, 3);
  for (const m of [0, 1]) {
    assert.equal(together[m].length, texts.length);
    together[m].forEach((ranked, i) => {
      assert.deepEqual(ranked.map((r) => r.label), alone[m][i].map((r) => r.label), `model ${m}, text ${i}`);
      ranked.forEach((r, k) => assert.ok(Math.abs(r.probability - alone[m][i][k].probability) < 1e-5));
    });
  }
  await Promise.all([a.close(), b.close()]);
});

test('two models with different tokenizers are each fed their own encoding', async () => {
  const a = await model(['javascript', 'python'], 1, 32);
  const b = await model(['javascript', 'python'], 1, 24);
  assert.notEqual(a.tokenizerKey, b.tokenizerKey);
  const alone = await b.predict(texts, { topK: 2 });
  const [ca, cb] = [countEncodes(a), countEncodes(b)];
  const [, fromB] = await predictTogether([a, b], texts, { topK: 2, batchSize: 16 });
  assert.deepEqual([ca.calls, cb.calls], [3, 3]);
  fromB.forEach((ranked, i) => assert.deepEqual(ranked.map((r) => r.label), alone[i].map((r) => r.label)));
  await Promise.all([a.close(), b.close()]);
});

test('probabilities without the second look are the head-and-tail read of the same weights without one', async () => {
  const labels = ['java', 'javascript', 'python'];
  const withLook = await model(labels, 1, 32, { below: 0.99, windows: 3, base_weight: 2 });
  const without = await model(labels, 1, 32);
  const [plain, asked, looked] = [await without.probabilities(texts), await withLook.probabilities(texts, 16, { secondLook: false }), await withLook.probabilities(texts)];
  assert.deepEqual(asked, plain);
  // The untrained model is unsure of every text, so the look changes the long ones.
  assert.ok(looked.some((p, i) => p.some((x, c) => x !== plain[i][c])));
  await Promise.all([withLook.close(), without.close()]);
});
