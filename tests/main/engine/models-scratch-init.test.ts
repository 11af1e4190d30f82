// The from-scratch model's initial weights: the token embedding starts large enough that, scaled by
// sqrt(d_model), it outweighs the sinusoidal positions (with the guide's N(0, 0.02) at d_model 128
// the tokens were a third of the positions and training sat at chance for hundreds of steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initScratchWeights, scratchConfig, scratchEmbeddingStd, sinusoidalTable } from '../../../main/engine/models/scratch.ts';

function std(xs: Float32Array): number {
  let s = 0;
  let s2 = 0;
  for (const x of xs) { s += x; s2 += x * x; }
  const m = s / xs.length;
  return Math.sqrt(s2 / xs.length - m * m);
}

test('the scaled token embedding starts at a standard deviation of 2, above the positions', () => {
  for (const d of [64, 128, 256]) {
    const config = scratchConfig(4, { d_model: d, num_layers: 1, num_heads: 4, max_length: 384 });
    const emb = initScratchWeights(config, 7).get('embedding.weight')!;
    assert.deepEqual(emb.shape, [config.vocab_size, d]);
    assert.equal(scratchEmbeddingStd(d), 2 / Math.sqrt(d));
    const scaled = std(emb.data) * Math.sqrt(d);
    assert.ok(Math.abs(scaled - 2) < 0.1, `d_model ${d}: scaled embedding std ${scaled}`);
    const positions = std(sinusoidalTable(384, d));
    assert.ok(scaled > 2 * positions, `d_model ${d}: tokens ${scaled} against positions ${positions}`);
  }
});
