// Damaged checkpoints bench:fuzz found read as raw SyntaxErrors, TypeErrors or silently mixed: each
// is now an INVALID_ARGUMENT naming the file, and a state.json from another run is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { writeSafetensors } from '../../../main/engine/io/safetensors.ts';
import { toErrorPayload } from '../../../main/errors.ts';
import { type CheckpointState, checkpointDir, readCheckpoint, writeCheckpoint } from '../../../main/trainer/checkpoint.ts';
import { tempDir } from '../../helpers/temp.ts';
import { tinyHyperparameters } from './tiny-run.ts';

function write(step: number, labels = ['a', 'b']): string {
  const dir = checkpointDir(tempDir('langlab-ckpt-'), 'last');
  const w = Float32Array.of(step, 2, 3, 4);
  const state: CheckpointState = {
    version: 1, step, epoch: 1, batchInEpoch: 0, shuffleState: [1, 2, 3, 4], maskState: [5, 6, 7, 8], bestValLoss: 0.5, bestValAccuracy: 0.9,
    patienceCounter: 0, trainingDone: false, elapsedSeconds: 1, secondsToBest: 1, hyperparameters: tinyHyperparameters(), model: { kind: 'scratch' }, labels,
  };
  writeCheckpoint(dir, { step, params: { w }, m: { w }, v: { w } }, state);
  return dir;
}

function refusal(dir: string): { code: string; message: string } {
  try {
    readCheckpoint(dir);
  } catch (err) {
    return toErrorPayload(err);
  }
  return assert.fail('the damaged checkpoint was read');
}

test('a truncated, empty, null or mistyped state.json is an error naming it', () => {
  const edits: [string, (text: string) => string, RegExp][] = [
    ['truncated', (t) => t.slice(0, 40), /state\.json: not valid JSON \(.+\); the checkpoint is damaged/],
    ['empty', () => '', /state\.json: not valid JSON/],
    ['null', () => 'null', /state\.json: not a JSON object/],
    ['step a string', (t) => t.replace(/"step": 3/, '"step": "three"'), /state\.json: "step" must be a whole number, found "three"/],
    ['labels missing', (t) => JSON.stringify({ ...JSON.parse(t), labels: undefined }), /state\.json: "labels" must be a list of names/],
  ];
  for (const [what, edit, message] of edits) {
    const dir = write(3);
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    const e = refusal(dir);
    assert.equal(e.code, 'INVALID_ARGUMENT', what);
    assert.match(e.message, message, what);
    assert.ok(e.message.includes(file), what);
  }
});

test('a state.json copied from another run does not pass for this checkpoint', () => {
  const mine = write(3);
  const other = write(5, ['x', 'y', 'z']);
  fs.copyFileSync(path.join(other, 'state.json'), path.join(mine, 'state.json'));
  const e = refusal(mine);
  assert.equal(e.code, 'INVALID_ARGUMENT');
  assert.match(e.message, /state\.json does not belong with .*weights\.safetensors \(it comes from another run or another checkpoint\)/);
});

test('a truncated weights file is an INVALID_ARGUMENT naming it', () => {
  const dir = write(3);
  const file = path.join(dir, 'weights.safetensors');
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 30));
  const e = refusal(dir);
  assert.equal(e.code, 'INVALID_ARGUMENT');
  assert.ok(e.message.includes(file));
});

test('a checkpoint written before the state stamp existed is still read', () => {
  const dir = write(3);
  const w = Float32Array.of(3, 2, 3, 4);
  writeSafetensors(path.join(dir, 'weights.safetensors'), { w: { dtype: 'F32', shape: [4], data: w } }, { layout: 'langlab-graph', step: '3' });
  writeSafetensors(path.join(dir, 'optimizer.safetensors'), { 'm.w': { dtype: 'F32', shape: [4], data: w }, 'v.w': { dtype: 'F32', shape: [4], data: w } }, { optimizer: 'adamw', step: '3' });
  assert.equal(readCheckpoint(dir).state.step, 3);
});
