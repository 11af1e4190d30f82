import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { mock, test } from 'node:test';
import type { RunnerState } from '../../../main/engine/runtime/train-step-runner.ts';
import { AVERAGE_FILE, type CheckpointState, checkpointDir, hasCheckpoint, readCheckpoint, writeCheckpoint } from '../../../main/trainer/checkpoint.ts';
import { tempDir } from '../../helpers/temp.ts';
import { tinyHyperparameters } from './tiny-run.ts';

function state(step: number): { runner: RunnerState; state: CheckpointState } {
  return {
    runner: { step, params: { 'w': Float32Array.of(step, 2, 3, 4) }, m: { 'w': Float32Array.of(0.1, 0.2, 0.3, 0.4) }, v: { 'w': Float32Array.of(1, 1, 1, 1) } },
    state: {
      version: 1, step, epoch: 1, batchInEpoch: 3, shuffleState: [1, 2, 3, 4], maskState: [5, 6, 7, 8], bestValLoss: 0.5, bestValAccuracy: 0.9,
      patienceCounter: 1, trainingDone: false, elapsedSeconds: 12, secondsToBest: 10, hyperparameters: tinyHyperparameters(),
      model: { kind: 'scratch' }, labels: ['a', 'b'],
    },
  };
}

test('a checkpoint round-trips weights (with shapes), moments and state', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  const s = state(7);
  writeCheckpoint(dir, s.runner, s.state, new Map([['w', [2, 2]]]));
  const back = readCheckpoint(dir);
  assert.deepEqual(back.state, s.state);
  assert.deepEqual(back.runner, s.runner);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['last'], 'no temporary folder is left');
});

test('a checkpoint with a weight average round-trips it; one without reads as none', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  const s = state(9);
  const average = { weights: { 'w': Float32Array.of(1.5, 2, 2.5, 3) }, updates: 9 };
  writeCheckpoint(dir, s.runner, s.state, new Map([['w', [2, 2]]]), average);
  const back = readCheckpoint(dir);
  assert.deepEqual(back.average, average);
  assert.deepEqual(back.runner, s.runner, 'the weights and moments are the runner\'s, not the average');
  writeCheckpoint(dir, s.runner, s.state);
  assert.equal(readCheckpoint(dir).average, null);
  assert.ok(!fs.existsSync(path.join(dir, AVERAGE_FILE)), 'the next write without an average leaves no stale one');
});

test('an average file copied in from another checkpoint is refused, naming it', () => {
  const root = tempDir('langlab-ckpt-');
  const [a, b] = [checkpointDir(root, 'last'), checkpointDir(root, 'best')];
  const average = { weights: { 'w': Float32Array.of(1, 2, 3, 4) }, updates: 3 };
  writeCheckpoint(a, state(3).runner, state(3).state, undefined, average);
  writeCheckpoint(b, state(4).runner, state(4).state, undefined, average);
  fs.copyFileSync(path.join(a, AVERAGE_FILE), path.join(b, AVERAGE_FILE));
  assert.throws(() => readCheckpoint(b), /state\.json does not belong with .*average\.safetensors/);
});

test('every file is flushed before the rename, and the parent folder after it (safe against a power cut)', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  const s = state(3);
  const synced: string[] = [];
  const opened = new Map<number, string>();
  const realOpen = fs.openSync;
  const realRename = fs.renameSync;
  const open = mock.method(fs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
    const fd = realOpen(...args);
    opened.set(fd, String(args[0]));
    return fd;
  });
  const fsync = mock.method(fs, 'fsyncSync', (fd: number) => {
    synced.push(opened.get(fd) ?? '?');
  });
  const rename = mock.method(fs, 'renameSync', (...args: Parameters<typeof fs.renameSync>) => {
    synced.push(`rename ${path.basename(String(args[0])).replace(/-writing-.*/, '-writing')}`);
    realRename(...args);
  });
  try {
    writeCheckpoint(dir, s.runner, s.state);
  } finally {
    open.mock.restore();
    fsync.mock.restore();
    rename.mock.restore();
  }
  const names = synced.map((p) => (p.startsWith('rename ') ? p : path.basename(p).replace(/-writing-.*/, '-writing')));
  assert.deepEqual(names, ['weights.safetensors', 'optimizer.safetensors', 'state.json', '.last-writing', 'rename .last-writing', 'checkpoints']);
  assert.deepEqual(readCheckpoint(dir).runner, s.runner);
});

test('a crash between moving the old checkpoint aside and renaming the new one still leaves a readable one', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  const s = state(3);
  writeCheckpoint(dir, s.runner, s.state);
  // What the writer leaves when it dies right after moving the old copy aside.
  fs.renameSync(dir, `${dir}.old`);
  assert.ok(hasCheckpoint(dir));
  assert.equal(readCheckpoint(dir).state.step, 3);
  writeCheckpoint(dir, state(4).runner, state(4).state);
  assert.equal(readCheckpoint(dir).state.step, 4);
  assert.ok(!fs.existsSync(`${dir}.old`));
});

test('a second crash while the next write clears the moved-aside copy still leaves a readable one', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  writeCheckpoint(dir, state(3).runner, state(3).state);
  fs.renameSync(dir, `${dir}.old`); // the first crash, between the two renames
  // The second: the writer dies part-way through deleting `.old` (its weights already gone).
  const rmSync = fs.rmSync;
  fs.rmSync = ((p: fs.PathLike, o?: fs.RmOptions) => {
    if (String(p) === `${dir}.old` && fs.existsSync(p)) {
      fs.unlinkSync(path.join(String(p), 'weights.safetensors'));
      throw new Error('killed');
    }
    rmSync(p, o);
  }) as typeof fs.rmSync;
  try {
    assert.throws(() => writeCheckpoint(dir, state(4).runner, state(4).state), /killed/);
  } finally {
    fs.rmSync = rmSync;
  }
  assert.ok(readCheckpoint(dir).state.step >= 3, 'a whole checkpoint survives both crashes');
});

test('temporary folders of writes a crash cut short are cleared by the next write', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  fs.mkdirSync(path.join(path.dirname(dir), '.last-writing-abc123'), { recursive: true });
  writeCheckpoint(dir, state(2).runner, state(2).state);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['last']);
});

test('a missing checkpoint is a NOT_FOUND naming the folder', () => {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'best');
  assert.equal(hasCheckpoint(dir), false);
  assert.throws(() => readCheckpoint(dir), (e: Error & { code?: string }) => e.code === 'NOT_FOUND' && e.message.includes(dir));
});
