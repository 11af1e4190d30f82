import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Classifier } from '../../../main/engine/export/classifier.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { Graph } from '../../../main/engine/graph/index.ts';
import { buildScratch, initScratchWeights, scratchWeightsFromParams } from '../../../main/engine/models/scratch.ts';
import { type CheckpointState, checkpointDir, writeCheckpoint } from '../../../main/trainer/checkpoint.ts';
import { int8SumsExactly } from '../../../main/engine/runtime/int8-support.ts';
import { classificationModel, int8ModelDir } from '../../../main/trainer/int8-export.ts';
import { scratchConfigFor } from '../../../main/trainer/model.ts';
import { defaultHyperparameters } from '../../../preload/hyperparameters.ts';
import { tempDir } from '../../helpers/temp.ts';

const LABELS = ['javascript', 'python', 'rust'];
const TEXTS = ['def f(x):\n    return x * 2\n', 'const f = (x) => x * 2;\n', 'fn f(x: i32) -> i32 { x * 2 }\n'];

/** A run folder as training leaves it: checkpoints/best and the float export in model/, from the same weights. */
function finishedRun(kind: 'scratch' | 'pretrained' = 'scratch'): string {
  const runDir = tempDir('langlab-int8-run-');
  const hp = { ...defaultHyperparameters('scratch'), d_model: 32, num_layers: 1, num_heads: 2, dim_feedforward: 64, max_length: 64 };
  const config = scratchConfigFor(hp, LABELS.length);
  const g = new Graph();
  buildScratch(g, { inputIds: g.input('input_ids', 'int64', ['batch', 'seq']), attentionMask: g.input('attention_mask', 'int64', ['batch', 'seq']) },
    { config, weights: initScratchWeights(config, 4) });
  const params = Object.fromEntries(g.params.map((p) => [p.name, p.data as Float32Array]));
  const zeros = Object.fromEntries(g.params.map((p) => [p.name, new Float32Array(p.data.length)]));
  const state: CheckpointState = {
    version: 1, step: 10, epoch: 1, batchInEpoch: 0, shuffleState: [1, 2, 3, 4], maskState: [1, 2, 3, 4], bestValLoss: 1, bestValAccuracy: 0.5,
    patienceCounter: 0, trainingDone: true, elapsedSeconds: 1, secondsToBest: 1, hyperparameters: hp,
    model: kind === 'scratch' ? { kind } : { kind, path: '/nowhere' }, labels: LABELS,
  };
  writeCheckpoint(checkpointDir(runDir, 'best'), { step: 10, params, m: zeros, v: zeros }, state, new Map(g.params.map((p) => [p.name, p.shape])));
  const weights = scratchWeightsFromParams(new Map(Object.entries(params)), config);
  exportClassifier(path.join(runDir, 'model'), { family: 'scratch', config, weights, labels: LABELS });
  return runDir;
}

test("int8ModelDir writes <run>/model-int8 from the best checkpoint once, and it classifies like model/", async () => {
  const runDir = finishedRun();
  const dir = int8ModelDir(path.join(runDir, 'model'));
  assert.equal(dir, path.join(runDir, 'model-int8'));
  const manifestFile = path.join(dir, 'langlab-model.json');
  assert.equal(JSON.parse(fs.readFileSync(manifestFile, 'utf8')).quantize, 'int8');
  const written = fs.statSync(manifestFile).mtimeMs;
  assert.equal(int8ModelDir(path.join(runDir, 'model')), dir);
  assert.equal(fs.statSync(manifestFile).mtimeMs, written, 'an up-to-date int8 export is reused, not rewritten');
  assert.equal(int8ModelDir(dir), dir, 'an int8 folder is its own int8 export');
  assert.deepEqual(fs.readdirSync(runDir).filter((f) => f.startsWith('.')), [], 'no temporary folder is left');
  const [f, q] = await Promise.all([Classifier.load(path.join(runDir, 'model')), Classifier.load(dir)]);
  try {
    const [pf, pq] = await Promise.all([f.probabilities(TEXTS), q.probabilities(TEXTS)]);
    // Same weights, rounded: probabilities close (a random tiny model's are near uniform, so this is tight).
    for (let i = 0; i < TEXTS.length; i++) for (let j = 0; j < LABELS.length; j++) assert.ok(Math.abs(pf[i][j] - pq[i][j]) < 0.02, `${i},${j}: ${pf[i][j]} vs ${pq[i][j]}`);
  } finally {
    await Promise.all([f.close(), q.close()]);
  }
});

test('int8ModelDir refuses a run without a checkpoint, or a fine-tuning run, naming the folder', () => {
  const runDir = finishedRun();
  fs.rmSync(path.join(runDir, 'checkpoints'), { recursive: true });
  assert.throws(() => int8ModelDir(path.join(runDir, 'model')), (e: Error) => e.message.includes(path.join(runDir, 'checkpoints', 'best')) && /no checkpoint to quantize/.test(e.message));
  const pretrained = finishedRun('pretrained');
  assert.throws(() => int8ModelDir(path.join(pretrained, 'model')), /from-scratch runs only/);
});

test('classificationModel runs int8 or float32 as asked, int8 by default where VNNI sums exactly, and refuses int8 by name where it is not offered', () => {
  const runDir = finishedRun();
  const floatDir = path.join(runDir, 'model');
  assert.deepEqual(classificationModel(floatDir, 'float32'), { dir: floatDir, precision: 'float32' });
  assert.equal(fs.existsSync(path.join(runDir, 'model-int8')), false, 'float32 writes no int8 export');
  assert.deepEqual(classificationModel(floatDir, 'int8'), { dir: path.join(runDir, 'model-int8'), precision: 'int8' });
  assert.deepEqual(classificationModel(floatDir), int8SumsExactly() ? { dir: path.join(runDir, 'model-int8'), precision: 'int8' } : { dir: floatDir, precision: 'float32' });
  const noCheckpoint = finishedRun();
  fs.rmSync(path.join(noCheckpoint, 'checkpoints'), { recursive: true });
  assert.throws(() => classificationModel(path.join(noCheckpoint, 'model'), 'int8'), (e: Error) => /cannot classify in int8 \(pick float32\)/.test(e.message) && e.message.includes(noCheckpoint));
  assert.deepEqual(classificationModel(path.join(noCheckpoint, 'model')), { dir: path.join(noCheckpoint, 'model'), precision: 'float32' });
  const pretrained = finishedRun('pretrained');
  assert.throws(() => classificationModel(path.join(pretrained, 'model'), 'int8'), /from-scratch runs only/);
  assert.deepEqual(classificationModel(path.join(pretrained, 'model')), { dir: path.join(pretrained, 'model'), precision: 'float32' });
  // A model folder that is gone is reported where the job reads it, as for float32.
  assert.deepEqual(classificationModel(path.join(runDir, 'nowhere')), { dir: path.join(runDir, 'nowhere'), precision: 'float32' });
});

test('int8 sums exactly where the CPU flags list VNNI, and not on an AVX2-only CPU', () => {
  assert.equal(int8SumsExactly('processor : 0\nflags : fpu sse2 avx2 avx512f avx512_vnni\n'), true);
  assert.equal(int8SumsExactly('processor : 0\nflags : fpu sse2 avx2 avx_vnni\n'), true);
  assert.equal(int8SumsExactly('processor : 0\nflags : fpu sse2 avx2 fma\n'), false);
  assert.equal(int8SumsExactly(''), false);
});
