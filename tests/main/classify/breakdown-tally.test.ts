import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BreakdownTally } from '../../../main/classify/breakdown-tally.ts';

test("a running job's tally counts files below its threshold as unknown, in no language and no disagreement; an extension the model has no label for is no disagreement", () => {
  const tally = new BreakdownTally(0.5);
  tally.add([
    { label: 'python', confidence: 0.9, size: 10, extensionLabel: 'python', extensionLanguage: null },
    { label: 'python', confidence: 0.5, size: 20, extensionLabel: 'javascript', extensionLanguage: null },
    { label: 'python', confidence: 0.49, size: 30, extensionLabel: 'javascript', extensionLanguage: null },
    { label: 'java', confidence: 0.2, size: 40, extensionLabel: null, extensionLanguage: 'TypeScript' },
    { label: 'java', confidence: 0.8, size: 5, extensionLabel: null, extensionLanguage: 'TypeScript' },
  ]);
  assert.deepEqual(tally.snapshot(), {
    breakdown: [
      { label: 'python', files: 2, bytes: 30, disagree: 1 },
      { label: 'java', files: 1, bytes: 5, disagree: 0 },
    ],
    withExtensionLabel: 2,
    withOtherLanguage: 1,
    disagreements: 1,
    unknown: { files: 2, bytes: 70 },
  });
  assert.deepEqual(new BreakdownTally().snapshot().unknown, { files: 0, bytes: 0 }, 'threshold 0: nothing is unknown');
});
