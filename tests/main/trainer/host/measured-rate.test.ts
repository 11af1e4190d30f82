import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeasuredRun } from '../../../../main/store/metrics.ts';
import { rateOf } from '../../../../main/trainer/host/measured-rate.ts';

const run = (runId: number, o: Partial<MeasuredRun>): MeasuredRun => ({ runId, batchSize: 16, accumulation: 1, runSeconds: null, steps: null, samplesPerSecond: null, ...o });

test('whole-run timings give seconds per step, the latest runs of the same batch size making the range', () => {
  const rate = rateOf([run(3, { runSeconds: 20, steps: 100 }), run(2, { runSeconds: 30, steps: 100 }), run(1, { runSeconds: 10, steps: 10, batchSize: 8 })], 16, 1);
  assert.deepEqual(rate, { secondsPerStep: [0.2, 0.3], basis: 'run', sameBatch: true, runs: 2 });
});

test('another batch size is scaled by files per step; only throughput measured falls back to samples per second', () => {
  assert.deepEqual(rateOf([run(1, { runSeconds: 10, steps: 100, batchSize: 8 })], 32, 1)?.secondsPerStep, [0.4, 0.4]);
  assert.deepEqual(rateOf([run(1, { samplesPerSecond: 40 })], 16, 2), { secondsPerStep: [0.8, 0.8], basis: 'throughput', sameBatch: false, runs: 1 });
  assert.equal(rateOf([run(1, {})], 16, 1), null);
});
