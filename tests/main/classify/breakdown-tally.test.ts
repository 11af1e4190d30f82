import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BreakdownTally } from '../../../main/classify/breakdown-tally.ts';

test("a running job's tally counts files below its threshold as unknown, in no language and no disagreement", () => {
  const tally = new BreakdownTally(0.5);
  tally.add([
    { label: 'python', confidence: 0.9, size: 10, extensionLabel: 'python' },
    { label: 'python', confidence: 0.5, size: 20, extensionLabel: 'javascript' },
    { label: 'python', confidence: 0.49, size: 30, extensionLabel: 'javascript' },
    { label: 'java', confidence: 0.2, size: 40, extensionLabel: null },
  ]);
  assert.deepEqual(tally.snapshot(), {
    breakdown: [{ label: 'python', files: 2, bytes: 30, disagree: 1 }],
    withExtensionLabel: 2,
    disagreements: 1,
    unknown: { files: 2, bytes: 70 },
  });
  assert.deepEqual(new BreakdownTally().snapshot().unknown, { files: 0, bytes: 0 }, 'threshold 0: nothing is unknown');
});
