// Checkpoints of a run: runDir/checkpoints/last (written at every epoch end and on cancel) and
// runDir/checkpoints/best (written when validation loss improves). Each holds the trainable weights
// and the AdamW moments as safetensors plus state.json with everything else a resume needs. A
// checkpoint is written to a temporary folder and renamed into place, so a crash mid-write leaves
// the previous one whole.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelSpec } from '../../preload/contract-common.ts';
import type { Hyperparameters } from '../../preload/hyperparameters.ts';
import { type SafeTensor, readSafetensors, toFloat32, writeSafetensors } from '../engine/io/safetensors.ts';
import type { MaskState } from '../engine/optim/dropout-mask.ts';
import type { RunnerState } from '../engine/runtime/train-step-runner.ts';
import { LanglabError } from '../errors.ts';
import type { SavedAverage } from './weight-average.ts';

/** Everything but the tensors. */
export interface CheckpointState {
  version: 1;
  /** Optimizer steps taken. */
  step: number;
  /** Epochs fully done (0-based index of the epoch in progress). */
  epoch: number;
  /** Micro-batches of the current epoch already consumed. */
  batchInEpoch: number;
  /** Shuffle generator state at the start of the current epoch (its batch order is redrawn from it). */
  shuffleState: MaskState;
  /** Dropout mask generator state after the last step. */
  maskState: MaskState;
  bestValLoss: number | null;
  bestValAccuracy: number | null;
  /** Validations in a row without a lower validation loss. */
  patienceCounter: number;
  /** Training is over (all epochs, or early stop); only the test evaluation and export remain. */
  trainingDone: boolean;
  /** Training seconds spent so far, and when the best checkpoint was reached. */
  elapsedSeconds: number;
  secondsToBest: number | null;
  hyperparameters: Hyperparameters;
  model: ModelSpec;
  labels: string[];
}

export const WEIGHTS_FILE = 'weights.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'state.json';
/** The running average of the weights (`ema_decay`), in the last checkpoint, for a resume. */
export const AVERAGE_FILE = 'average.safetensors';

/**
 * A digest of what places a state in one run's history (step, position, labels, model), written
 * into both tensor files' metadata: a state.json copied in from another run or another checkpoint
 * no longer matches its weights, and reading it fails instead of resuming from a mixture.
 */
function stateStamp(state: CheckpointState): string {
  const { step, epoch, batchInEpoch, labels, model } = state;
  return createHash('sha256').update(JSON.stringify({ step, epoch, batchInEpoch, labels, model })).digest('hex').slice(0, 16);
}

/** runDir/checkpoints/<which>. */
export function checkpointDir(runDir: string, which: 'last' | 'best'): string {
  return path.join(runDir, 'checkpoints', which);
}

function f32(data: Float32Array | Float64Array, shape: number[]): SafeTensor {
  return { dtype: 'F32', shape, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}

/** Flushes a file's bytes to the disk, so a power cut after the rename cannot leave it empty. */
function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a folder's entries (the renames). Windows cannot open a folder for this; there NTFS journals them. */
function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EPERM where folders cannot be synced.
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a checkpoint atomically (temporary folder, then rename over the old one). The files and
 * the folder are flushed before the rename and the parent after it, so that after a power cut the
 * checkpoint is either the previous one or the new one whole, never a new name with empty files.
 */
export function writeCheckpoint(dir: string, runner: RunnerState, state: CheckpointState, shapes?: ReadonlyMap<string, readonly number[]>,
  average?: SavedAverage): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  // Temporary folders of writes a crash cut short (one writer per run): never read, only in the way.
  for (const name of fs.readdirSync(parent)) {
    if (name.startsWith(`.${path.basename(dir)}-writing-`)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}-writing-`));
  const weights: Record<string, SafeTensor> = {};
  const moments: Record<string, SafeTensor> = {};
  for (const [name, data] of Object.entries(runner.params)) {
    const shape = [...(shapes?.get(name) ?? [data.length])];
    weights[name] = f32(data, shape);
    moments[`m.${name}`] = f32(runner.m[name], shape);
    moments[`v.${name}`] = f32(runner.v[name], shape);
  }
  const stamp = stateStamp(state);
  writeSafetensors(path.join(tmp, WEIGHTS_FILE), weights, { layout: 'langlab-graph', step: String(runner.step), state: stamp });
  writeSafetensors(path.join(tmp, OPTIMIZER_FILE), moments, {
    optimizer: 'adamw', step: String(runner.step), state: stamp,
    ...(runner.lossScale ? { loss_scale: String(runner.lossScale.scale), loss_scale_good_steps: String(runner.lossScale.goodSteps) } : {}),
  });
  if (average) {
    const avg: Record<string, SafeTensor> = {};
    for (const [name, data] of Object.entries(average.weights)) avg[name] = f32(data, [...(shapes?.get(name) ?? [data.length])]);
    writeSafetensors(path.join(tmp, AVERAGE_FILE), avg, { updates: String(average.updates), state: stamp });
  }
  fs.writeFileSync(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 1));
  for (const name of [WEIGHTS_FILE, OPTIMIZER_FILE, ...(average ? [AVERAGE_FILE] : []), STATE_FILE]) syncFile(path.join(tmp, name));
  syncDir(tmp);
  // The old copy is moved aside before the new one takes its name; readCheckpoint falls back to it.
  const old = `${dir}.old`;
  // A crash between the two renames of an earlier write left only the moved-aside copy: put it back
  // first, so deleting `.old` below (which a second crash can cut short) never removes the only one.
  if (!fs.existsSync(path.join(dir, STATE_FILE)) && fs.existsSync(path.join(old, STATE_FILE))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(old, dir);
  }
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  syncDir(parent);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Whether a readable checkpoint exists at `dir` (or its moved-aside copy). */
export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, STATE_FILE)) || fs.existsSync(path.join(`${dir}.old`, STATE_FILE));
}

/** Reads and checks state.json: a truncated or hand-edited one is an error naming the file. */
function readState(stateFile: string): CheckpointState {
  const damaged = (what: string) => new LanglabError('INVALID_ARGUMENT', `${stateFile}: ${what}; the checkpoint is damaged and the run cannot be resumed from it.`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch (err) {
    throw damaged(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw damaged('not a JSON object');
  const state = raw as CheckpointState;
  if (state.version !== 1) throw new LanglabError('INVALID_ARGUMENT', `${stateFile}: unsupported checkpoint version ${String(state.version)}.`);
  for (const key of ['step', 'epoch', 'batchInEpoch'] as const) {
    if (!Number.isInteger(state[key]) || state[key] < 0) throw damaged(`"${key}" must be a whole number, found ${JSON.stringify(state[key])}`);
  }
  if (!Array.isArray(state.labels) || !state.labels.every((l) => typeof l === 'string')) throw damaged(`"labels" must be a list of names, found ${JSON.stringify(state.labels)}`);
  return state;
}

/**
 * Reads a checkpoint written by writeCheckpoint; weights are flat arrays by graph parameter name.
 * `average` is the running weight average when the checkpoint holds one.
 */
export function readCheckpoint(dir: string): { runner: RunnerState; state: CheckpointState; average: SavedAverage | null } {
  const at = fs.existsSync(path.join(dir, STATE_FILE)) ? dir : `${dir}.old`;
  const stateFile = path.join(at, STATE_FILE);
  if (!fs.existsSync(stateFile)) throw new LanglabError('NOT_FOUND', `No checkpoint at ${dir} (${STATE_FILE} is missing); the run cannot be resumed from it.`);
  const state = readState(stateFile);
  const weights = readSafetensors(path.join(at, WEIGHTS_FILE));
  const moments = readSafetensors(path.join(at, OPTIMIZER_FILE));
  const stamp = stateStamp(state);
  const avgFile = path.join(at, AVERAGE_FILE);
  const averaged = fs.existsSync(avgFile) ? readSafetensors(avgFile) : null;
  for (const [file, meta] of [[WEIGHTS_FILE, weights.metadata], [OPTIMIZER_FILE, moments.metadata], ...(averaged ? [[AVERAGE_FILE, averaged.metadata] as const] : [])] as const) {
    // Checkpoints written before the stamp existed have none; they are read as they always were.
    if (meta.state !== undefined && meta.state !== stamp) {
      throw new LanglabError('INVALID_ARGUMENT', `${stateFile} does not belong with ${path.join(at, file)} (it comes from another run or another checkpoint); the checkpoint is damaged and the run cannot be resumed from it.`);
    }
  }
  // AdamW's own step count: behind the run's when mixed precision skipped overflowing steps.
  const meta = moments.metadata;
  const adamStep = Number(meta.step);
  const runner: RunnerState = { step: Number.isInteger(adamStep) && adamStep >= 0 ? adamStep : state.step, params: {}, m: {}, v: {} };
  if (meta.loss_scale !== undefined) runner.lossScale = { scale: Number(meta.loss_scale), goodSteps: Number(meta.loss_scale_good_steps ?? 0) };
  for (const [name, t] of weights.tensors) {
    runner.params[name] = toFloat32(t, name).slice();
    const m = moments.tensors.get(`m.${name}`);
    const v = moments.tensors.get(`v.${name}`);
    if (!m || !v) throw new LanglabError('INVALID_ARGUMENT', `${path.join(at, OPTIMIZER_FILE)} lacks the moments of "${name}"; the checkpoint is damaged.`);
    runner.m[name] = toFloat32(m, name).slice();
    runner.v[name] = toFloat32(v, name).slice();
  }
  return { runner, state, average: averaged ? readAverage(avgFile, averaged) : null };
}

/** The averaged weights of an `average.safetensors` already read; a damaged count is an error naming the file. */
function readAverage(file: string, st: ReturnType<typeof readSafetensors>): SavedAverage {
  const updates = Number(st.metadata.updates);
  if (!Number.isInteger(updates) || updates < 0) {
    throw new LanglabError('INVALID_ARGUMENT', `${file}: "updates" must be a whole number, found ${JSON.stringify(st.metadata.updates)}; the checkpoint is damaged and the run cannot be resumed from it.`);
  }
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of st.tensors) weights[name] = toFloat32(t, name).slice();
  return { weights, updates };
}
