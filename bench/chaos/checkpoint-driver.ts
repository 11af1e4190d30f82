// Checkpoint writes back to back, for the chaos benchmark to kill mid-write: continues from the
// step the checkpoint at <dir> holds (0 when none), writes steps k+1, k+2, ... with writeCheckpoint,
// and prints `written <k>` after each. Every value of a step-k checkpoint is derived from k, so a
// read-back can be checked exactly (checkpointValues).
//   node --import tsx bench/chaos/checkpoint-driver.ts <dir> [floats per tensor]
import { hasCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointState } from '../../main/trainer/checkpoint.ts';
import { defaultHyperparameters } from '../../preload/hyperparameters.ts';
import type { RunnerState } from '../../main/engine/runtime/train-step-runner.ts';

/** The runner state and checkpoint state of step `k`. */
export function checkpointValues(k: number, size: number): { runner: RunnerState; state: CheckpointState } {
  const runner: RunnerState = { step: k, params: {}, m: {}, v: {} };
  for (const name of ['embed', 'layer0.w', 'layer0.b', 'head']) {
    runner.params[name] = new Float32Array(size).map((_, i) => k + i / size);
    runner.m[name] = new Float32Array(size).fill(k / 2);
    runner.v[name] = new Float32Array(size).fill(k / 4);
  }
  const state: CheckpointState = {
    version: 1, step: k, epoch: k, batchInEpoch: 0, shuffleState: [k, 1, 2, 3], maskState: [4, 5, 6, k], bestValLoss: 1 / k, bestValAccuracy: null,
    patienceCounter: 0, trainingDone: false, elapsedSeconds: k, secondsToBest: null, hyperparameters: defaultHyperparameters('scratch'),
    model: { kind: 'scratch' }, labels: ['a', 'b'],
  };
  return { runner, state };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const dir = process.argv[2];
  const size = Number(process.argv[3] ?? 262_144);
  if (!dir) {
    console.error('checkpoint-driver: give the checkpoint folder.');
    process.exit(2);
  }
  let k = hasCheckpoint(dir) ? readCheckpoint(dir).state.step : 0;
  console.log(`ready ${k}`);
  for (;;) {
    k++;
    const { runner, state } = checkpointValues(k, size);
    writeCheckpoint(dir, runner, state);
    console.log(`written ${k}`);
  }
}
