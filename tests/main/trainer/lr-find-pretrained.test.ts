import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { defaultHyperparameters } from '../../../preload/hyperparameters.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { lrFind } from '../../../main/trainer/lr-find.ts';
import { tempDir } from '../../helpers/temp.ts';
import { tinyDataset } from './tiny-run.ts';

test('the learning-rate finder ramps a pretrained model with frozen layers (the defaults, frozen-layer cache on) from its token ids', async () => {
  const dir = tempDir('langlab-lrfind-roberta-');
  const modelDir = path.join(dir, 'tiny-roberta');
  writeTinyRoberta(modelDir, { hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 32, max_length: 64 });
  const { storeFile, datasetId } = await tinyDataset(dir, { perClass: 6 });
  const hyperparameters = { ...defaultHyperparameters('pretrained'), max_length: 48, batch_size: 4, unfreeze_last_n_layers: 1 };
  assert.equal(hyperparameters.cache_frozen_layers, true);
  const progress: number[] = [];
  const out = await lrFind({ storeFile, datasetId, model: { kind: 'pretrained', path: modelDir }, hyperparameters, minLr: 1e-5, maxLr: 1, steps: 6, threads: 1 },
    (p) => progress.push(p.step), new AbortController().signal);
  assert.equal(out.status, 'FINISHED');
  assert.ok(out.points.length >= 2, `${out.points.length} points`);
  assert.ok(out.points.every((p, i) => i === 0 || p.lr > out.points[i - 1].lr), 'the learning rate grows');
  assert.ok(progress.includes(out.points.length));
});
