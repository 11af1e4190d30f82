import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultHyperparameters } from '../../../preload/hyperparameters.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { predictTexts, train } from '../../../main/trainer/train.ts';
import { tempDir } from '../../helpers/temp.ts';
import { RecordingSink, tinyDataset } from './tiny-run.ts';

test('a pretrained RoBERTa folder fine-tunes with its base frozen and exports with its tokenizer', async () => {
  const dir = tempDir('langlab-pretrained-');
  const modelDir = path.join(dir, 'tiny-roberta');
  writeTinyRoberta(modelDir, { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, max_length: 64 });
  const { storeFile, datasetId } = await tinyDataset(dir);
  const sink = new RecordingSink();
  const hp = { ...defaultHyperparameters('pretrained'), max_length: 64, batch_size: 4, epochs: 2, learning_rate: 1e-3, unfreeze_last_n_layers: 1, seed: 3 };
  const out = await train({
    runId: 1, storeFile, datasetId, model: { kind: 'pretrained', path: modelDir }, hyperparameters: hp, provider: 'cpu',
    runDir: path.join(dir, 'run'), resume: false, threads: 1,
  }, sink, new AbortController().signal);

  assert.equal(out.status, 'FINISHED');
  assert.ok(sink.lines.some((l) => /Pretrained model: [\d,]+ trainable of [\d,]+ parameters/.test(l.message)));
  // Only the last layer and the head train: the embeddings and layer 0 stay out of the checkpoint.
  const state = fs.readFileSync(path.join(dir, 'run/checkpoints/best/weights.safetensors'));
  assert.ok(state.includes('roberta.encoder.layer.1.'));
  assert.ok(!state.includes('roberta.encoder.layer.0.') && !state.includes('word_embeddings'));
  assert.ok(fs.existsSync(path.join(out.exportDir!, 'tokenizer.json')));
  const ranked = await predictTexts(out.exportDir!, ['<item id="5"/>'], 3);
  assert.equal(ranked[0].length, 3);
  assert.ok(Math.abs(ranked[0].reduce((s, r) => s + r.probability, 0) - 1) < 1e-5);
  assert.equal(out.predictions.length, out.evaluation!.rows.reduce((n, r) => n + r.support, 0));
});
