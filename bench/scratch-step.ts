// Time of one from-scratch training step at the run defaults, and what of it is spent drawing the
// dropout masks in JavaScript, for a few hyperparameter variants side by side:
//
//   npm run bench:step [-- --variants "key=v+key=v,..." --steps N --data <folder>]
//
// Every variant trains on the same full-length batch (batch_size x max_length bytes): random bytes,
// or with --data the first max_length bytes of batch_size files of that folder (the first files
// long enough, in sorted path order), as real code repeats its n-grams where random bytes do not. A
// variant is a '+'-joined list of key=value overrides of the defaults, 'defaults' for none.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Hyperparameters, defaultHyperparameters } from '../preload/hyperparameters.ts';
import { MaskGenerator } from '../main/engine/optim/dropout-mask.ts';
import { TrainStepRunner } from '../main/engine/runtime/train-step-runner.ts';
import { fileProfile } from '../main/engine/tokenize/file-profile.ts';
import { padBatch, profileFeeds } from '../main/trainer/batches.ts';
import { prepareModel } from '../main/trainer/model.ts';
import { DEFAULT_PROFILE_BYTES } from '../main/engine/models/scratch.ts';

const LABELS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

function parse(argv: string[]): { variants: string[]; steps: number; data: string | null } {
  let variants = ['defaults', 'dropout=0'];
  let steps = 20;
  let data: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--variants') variants = (argv[++i] ?? '').split(',');
    else if (argv[i] === '--steps') steps = Number(argv[++i]);
    else if (argv[i] === '--data') data = argv[++i] ?? null;
    else throw new Error(`scratch-step: unknown argument ${argv[i]}. Usage: [--variants "key=v+key=v,..."] [--steps N] [--data <folder>]`);
  }
  return { variants, steps, data };
}

/** The first `count` files of `folder` (sorted paths, recursively) with at least `length` bytes: their first `length` bytes. */
function realRows(folder: string, count: number, length: number): number[][] {
  const rows: number[][] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (rows.length >= count) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size >= length) rows.push(Array.from(fs.readFileSync(p).subarray(0, length)));
    }
  };
  walk(folder);
  if (rows.length < count) throw new Error(`scratch-step: ${folder} has ${rows.length} files of at least ${length} bytes, ${count} needed`);
  return rows;
}

async function timeVariant(variant: string, steps: number, data: string | null): Promise<void> {
  const hp: Hyperparameters = { ...defaultHyperparameters('scratch') };
  if (variant !== 'defaults') {
    for (const kv of variant.split('+')) {
      const [k, v] = kv.split('=');
      if (!(k in hp)) throw new Error(`scratch-step: unknown hyperparameter ${k}`);
      (hp as unknown as Record<string, number>)[k] = Number(v);
    }
  }
  const model = prepareModel({ kind: 'scratch' }, hp).build(LABELS);
  const runner = await TrainStepRunner.create(model.trainStep, { intraOpNumThreads: 2 });
  const gen = new MaskGenerator(1);
  const seq = hp.max_length;
  const rows = data ? realRows(data, hp.batch_size, seq) : Array.from({ length: hp.batch_size }, () => Array.from({ length: seq }, () => gen.nextUint32() % 256));
  const { inputIds, attentionMask } = padBatch(rows, 0);
  // With a file profile, each row's is counted once (as the trainer does when it loads the data); a step feeds the matrix.
  const profiled = rows.map((r, i) => ({ path: `row ${i}`, profile: fileProfile(Uint8Array.from(r), Math.max(1, model.profileBuckets), DEFAULT_PROFILE_BYTES) }));
  const labels = new ort.Tensor('int64', BigInt64Array.from(rows.map((_, i) => BigInt(i % LABELS.length))), [rows.length]);
  let maskMs = 0;
  const step = async () => {
    const t = performance.now();
    const masks = model.dropout.masks(gen, { batch: rows.length, seq });
    maskMs += performance.now() - t;
    // The sparse n-gram path's row index and slots are hashed on the host each step: part of its cost.
    const extra = model.extraFeeds ? model.extraFeeds(inputIds) : {};
    await runner.step({ input_ids: inputIds, attention_mask: attentionMask, labels, ...masks, ...extra, ...profileFeeds(profiled, model.profileBuckets) }, 1e-3);
  };
  for (let i = 0; i < 3; i++) await step();
  maskMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const ms = (performance.now() - t0) / steps;
  await runner.release();
  console.log(JSON.stringify({ bench: 'scratch-step', variant, batch: hp.batch_size, seq, step_ms: +ms.toFixed(1), mask_ms: +(maskMs / steps).toFixed(1), dropout_sites: model.dropout.sites.length }));
}

const { variants, steps, data } = parse(process.argv.slice(2));
for (const v of variants) await timeVariant(v, steps, data);
