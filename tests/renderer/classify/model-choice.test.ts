import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../../preload/contract.ts';
import { modelOption, rankModels } from '../../../renderer/src/classify/model-choice.ts';

function run(id: number, name: string, test: { classes: number; macroF1: number; accuracy: number } | null, startTime = id): RunSummary {
  return {
    id, name, status: 'FINISHED', datasetId: 1, datasetName: 'bench', modelKind: 'scratch', modelSource: '', provider: 'cpu', providerUsed: 'cpu', providerWarning: null, startTime, endTime: startTime + 1,
    error: null, note: '', tags: [], keyParams: {}, latest: {},
    test: test && { ...test, topPredicted: { label: 'x', share: 0.2 } },
  };
}

test('the menu puts the runs with the most labels first, best test macro F1 first among them, the untested last', () => {
  const toy = run(9, 'toy, newest', { classes: 8, macroF1: 0.99, accuracy: 0.99 });
  const wide = run(3, 'wide', { classes: 26, macroF1: 0.87, accuracy: 0.88 });
  const wideWorse = run(5, 'wide, worse', { classes: 26, macroF1: 0.8, accuracy: 0.9 });
  const untested = run(10, 'untested', null);
  assert.deepEqual(rankModels([toy, wideWorse, untested, wide]).map((r) => r.name), ['wide', 'wide, worse', 'toy, newest', 'untested']);
  // Equal figures: the newest first.
  const older = run(1, 'older', { classes: 26, macroF1: 0.87, accuracy: 0.88 }, 1);
  assert.deepEqual(rankModels([older, wide]).map((r) => r.name), ['wide', 'older']);
});

test('each option says the run, its label count and its test figures', () => {
  assert.equal(modelOption(run(3, 'wide', { classes: 26, macroF1: 0.8712, accuracy: 0.8832 })), 'wide · run 3 · 26 labels · test accuracy 88.3% · macro F1 0.871 · bench');
  assert.equal(modelOption(run(4, 'fresh', null)), 'fresh · run 4 · not tested · bench');
});
