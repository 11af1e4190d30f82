import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../../preload/contract.ts';
import { modelWarning } from '../../../renderer/src/runs/model-warning.ts';
import { bestMetrics, modelName, RUN_COLUMNS, runsOn } from '../../../renderer/src/runs/run-columns.ts';

const column = (key: string) => RUN_COLUMNS.find((c) => c.key === key)!;

const run = (over: Partial<RunSummary>): RunSummary => ({
  id: 1,
  name: 'r',
  status: 'FINISHED',
  datasetId: 1,
  datasetName: 'd',
  modelKind: 'scratch',
  modelSource: '',
  provider: 'cpu',
  providerUsed: 'cpu',
  providerWarning: null,
  startTime: 1000,
  endTime: 61_000,
  error: null,
  note: '',
  tags: [],
  keyParams: { learning_rate: 2e-5 },
  latest: {},
  test: null,
  ...over,
});

test('best validation values are the lowest loss and the highest accuracy, gaps ignored', () => {
  const points = (values: (number | null)[]) => values.map((value, step) => ({ step, epoch: null, timestamp: 0, value }));
  const best = bestMetrics([
    { runId: 3, key: 'val_loss', points: points([1.2, 0.7, null, 0.9]) },
    { runId: 3, key: 'val_accuracy', points: points([0.5, 0.8, 0.75]) },
    { runId: 4, key: 'train_loss', points: points([0.1]) },
  ]);
  assert.deepEqual(best.get(3), { valLoss: 0.7, valAccuracy: 0.8 });
  assert.equal(best.has(4), false);
});

test('columns read what the list shows: the folder name of a pretrained model, stored bests, durations of running runs', () => {
  assert.equal(modelName(run({ modelKind: 'pretrained', modelSource: '/models/CodeBERTa-small-v1/' })), 'CodeBERTa-small-v1');
  assert.equal(modelName(run({})), 'from scratch');
  assert.equal(column('best_val_accuracy').value(run({ latest: { best_val_accuracy: 0.9 } }), undefined, 0), 0.9);
  assert.equal(column('best_val_accuracy').value(run({}), { valLoss: 1, valAccuracy: 0.6 }, 0), 0.6);
  assert.equal(column('duration').value(run({ endTime: null }), undefined, 11_000), 10_000);
});

test('a model at chance level or with collapsed predictions is flagged with advice; a useful one is not', () => {
  const summary = (accuracy: number, share: number) => ({ accuracy, macroF1: accuracy, classes: 8, topPredicted: { label: 'xml', share } });
  assert.equal(modelWarning(null), null);
  assert.equal(modelWarning(summary(0.9, 0.15)), null);
  assert.match(modelWarning(summary(0.125, 1))!.message, /predicts xml for 100\.0 % of the test files.*more epochs, a higher learning rate/);
  assert.equal(modelWarning(summary(0.16, 0.3))!.short, 'near chance level');
  assert.equal(column('test_accuracy').value(run({ test: summary(0.5, 0.2) }), undefined, 0), 0.5);
  assert.equal(column('test_macro_f1').value(run({}), undefined, 0), null);
});

test('a run is listed on the provider it ran on, with the fallback reason when that is not the one it asked for', () => {
  assert.deepEqual(runsOn(run({})), { provider: 'cpu', known: true, warning: null });
  assert.deepEqual(runsOn(run({ provider: 'webgpu', providerUsed: null })), { provider: 'webgpu', known: false, warning: null });
  const fellBack = run({ provider: 'webgpu', providerUsed: 'cpu', providerWarning: 'WebGPU could not start (no adapter); training on the CPU instead.' });
  assert.deepEqual(runsOn(fellBack), { provider: 'cpu', known: true, warning: 'WebGPU could not start (no adapter); training on the CPU instead.' });
  assert.equal(runsOn(run({ provider: 'cuda', providerUsed: 'cpu' })).warning, 'It asked for cuda and ran on cpu.');
});
