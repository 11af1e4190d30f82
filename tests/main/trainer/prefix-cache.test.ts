import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultHyperparameters, type Hyperparameters } from '../../../preload/hyperparameters.ts';
import { fromHalf } from '../../../main/engine/graph/dtype.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { readCheckpoint } from '../../../main/trainer/checkpoint.ts';
import { PrefixCache, prefixCacheDir } from '../../../main/trainer/prefix-cache.ts';
import { prepareModel } from '../../../main/trainer/model.ts';
import { type TrainRequest, train } from '../../../main/trainer/train.ts';
import { tempDir } from '../../helpers/temp.ts';
import { RecordingSink, tinyDataset } from './tiny-run.ts';

const never = new AbortController().signal;

/** A tiny pretrained folder (3 layers: the embeddings and 2 layers frozen, the last one and the head trained) and a dataset. */
async function setup(prefix: string) {
  const dir = tempDir(prefix);
  const modelDir = path.join(dir, 'tiny-roberta');
  writeTinyRoberta(modelDir, { hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 32, max_length: 64 });
  const { storeFile, datasetId } = await tinyDataset(dir, { perClass: 10 });
  const hp: Hyperparameters = {
    ...defaultHyperparameters('pretrained'), max_length: 48, batch_size: 4, epochs: 2, learning_rate: 1e-3, unfreeze_last_n_layers: 1, seed: 3,
    dropout: 0, attention_dropout: 0, early_stopping_patience: 0,
  };
  const request = (runDir: string, o: Partial<TrainRequest> & { hp?: Partial<Hyperparameters> } = {}): TrainRequest => ({
    runId: 1, storeFile, datasetId, model: { kind: 'pretrained', path: modelDir }, hyperparameters: { ...hp, ...o.hp }, provider: 'cpu',
    runDir, resume: false, threads: 1, logEverySteps: 1, ...o,
  });
  return { dir, request };
}

const losses = (s: RecordingSink) => s.points.filter((p) => p.key === 'train_loss').map((p) => p.value);
const weights = (runDir: string) => readCheckpoint(path.join(runDir, 'checkpoints', 'last')).runner.params;
const cacheLines = (s: RecordingSink) => s.lines.filter((l) => l.message.startsWith('Frozen-layer cache')).map((l) => l.message);

function assertClose(a: Record<string, Float32Array | Float64Array>, b: Record<string, Float32Array | Float64Array>, tol: number, what: string): number {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  let worst = 0;
  for (const k of Object.keys(a)) {
    for (let i = 0; i < a[k].length; i++) worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]));
  }
  assert.ok(worst <= tol, `${what}: largest weight difference ${worst} > ${tol}`);
  if (process.env.SHOW_DIFF) console.log(what, worst);
  return worst;
}

test('with dropout 0, training from the frozen-layer cache gives the losses and weights of training without it', async () => {
  const { dir, request } = await setup('langlab-prefix-eq-');
  const plain = new RecordingSink();
  const plainOut = await train(request(path.join(dir, 'plain'), { hp: { cache_frozen_layers: false } }), plain, never);
  const f32 = new RecordingSink();
  const f32Out = await train(request(path.join(dir, 'f32'), { prefixDtype: 'float32' }), f32, never);
  const f16 = new RecordingSink();
  await train(request(path.join(dir, 'f16')), f16, never);

  assert.equal(cacheLines(plain).length, 0, 'no cache when it is turned off');
  assert.ok(!fs.existsSync(prefixCacheDir(path.join(dir, 'plain'))));
  const [lp, l32, l16] = [losses(plain), losses(f32), losses(f16)];
  assert.equal(l32.length, lp.length);
  // float32: the same arithmetic at one thread, but for the prefix's fused attention kernel, which
  // rounds differently (measured: 4e-9 at most on the weights). Padding rows are zeros instead of
  // the prefix's output there, but the attention mask gives them a weight of exactly 0.
  l32.forEach((x, i) => assert.ok(Math.abs(x - lp[i]) <= 1e-5 * Math.max(1, Math.abs(lp[i])), `float32 step ${i}: ${x} vs ${lp[i]}`));
  assertClose(weights(path.join(dir, 'f32')), weights(path.join(dir, 'plain')), 1e-5, 'float32 cache');
  // float16: the prefix output is rounded to 11 significant bits once (measured: 3e-5 at most on the weights).
  l16.forEach((x, i) => assert.ok(Math.abs(x - lp[i]) <= 1e-3 * Math.max(1, Math.abs(lp[i])), `float16 step ${i}: ${x} vs ${lp[i]}`));
  assertClose(weights(path.join(dir, 'f16')), weights(path.join(dir, 'plain')), 1e-3, 'float16 cache');

  // Validation reads the cache too: with float32 records it scores as the whole model does.
  const valLoss = (sink: RecordingSink) => sink.points.filter((p) => p.key === 'val_loss').map((p) => p.value);
  assert.equal(valLoss(f32).length, valLoss(plain).length);
  valLoss(f32).forEach((x, i) => assert.ok(Math.abs(x - valLoss(plain)[i]) <= 1e-5, `float32 validation ${i}: ${x} vs ${valLoss(plain)[i]}`));
  valLoss(f16).forEach((x, i) => assert.ok(Math.abs(x - valLoss(plain)[i]) <= 1e-3, `float16 validation ${i}: ${x} vs ${valLoss(plain)[i]}`));
  assert.match(cacheLines(f16)[0], /run once per training and validation file/);
  // The test report loads the whole model (the cache is gone by then) and reads as without the cache.
  assert.deepEqual(f32Out.predictions.map((p) => p.predictedLabel), plainOut.predictions.map((p) => p.predictedLabel));
  assert.ok(Math.abs(f32Out.evaluation!.accuracy - plainOut.evaluation!.accuracy) < 1e-12);

  // Every training and validation file's record is computed once, before the first step (the
  // 'caching' phase, counting files); then each epoch reads them all.
  const epochs = cacheLines(f16).filter((l) => l.includes('after epoch'));
  assert.ok(!fs.existsSync(prefixCacheDir(path.join(dir, 'f16'))), 'removed once training is over');
  const counts = epochs.map((l) => /(\d+) records read, (\d+) computed/.exec(l)!.slice(1).map(Number));
  const files = counts[0][1];
  assert.ok(files > 0);
  assert.deepEqual(counts, [[files, files], [2 * files, files]]);
  const caching = f16.updates.filter((p) => p.phase === 'caching');
  assert.deepEqual(caching.map((p) => p.step), Array.from({ length: Math.ceil(files / 4) + 1 }, (_, k) => Math.min(4 * k, files)));
  assert.ok(caching.every((p) => p.totalSteps === files));
  const firstTraining = f16.updates.findIndex((p) => p.phase === 'training');
  assert.ok(f16.updates.findLastIndex((p) => p.phase === 'caching') < firstTraining, 'the cache is filled before training starts');
  assert.match(cacheLines(f16).find((l) => l.includes('filled'))!, new RegExp(`filled: ${files} files in .* the prefix's weights are released`));
  assert.match(cacheLines(f16)[0], /float16, \d+ kB for \d+ files.*Dropout is off in the cached layers/);
});

test('a cache made for other inputs is discarded; one for the same inputs is reused; the cache is removed when training ends', async () => {
  const { dir, request } = await setup('langlab-prefix-inval-');
  const runDir = path.join(dir, 'run');
  // Cancelled while the cache fills: after 8 files (2 batches of 4).
  const cutAt = (files: number, ctl: AbortController) => new RecordingSink((p) => { if (p.phase === 'caching' && p.step === files) ctl.abort(); });
  const ctl = new AbortController();
  const cutSink = cutAt(8, ctl);
  const cut = await train(request(runDir), cutSink, ctl.signal);
  assert.equal(cut.status, 'KILLED');
  assert.ok(cutSink.lines.some((l) => /^Cancelled while the frozen-layer cache filled \(8 files computed in [\d.]+ s\); what is cached is kept for a resume\.$/.test(l.message)));
  assert.ok(fs.existsSync(prefixCacheDir(runDir)), 'a cancelled run keeps its cache for the resume');

  // A fresh start with the same model and files finds those 8 files cached and computes the rest.
  const ctl2 = new AbortController();
  const again = cutAt(12, ctl2);
  await train(request(runDir), again, ctl2.signal);
  assert.match(cacheLines(again)[0], / 8 of \d+ files are already cached/);

  const shorter = new RecordingSink();
  await train(request(runDir, { hp: { epochs: 1, max_length: 24 } }), shorter, never);
  assert.match(cacheLines(shorter)[0], /previous cache was discarded: it was made for another model, tokenizer, max_length or set of training files/);
  assert.match(cacheLines(shorter).find((l) => l.includes('after epoch'))!, / (\d+) records read, \1 computed/);
  assert.match(cacheLines(shorter).at(-1)!, /removed from .* freed\): training is over/);
  assert.ok(!fs.existsSync(prefixCacheDir(runDir)));
});

test('a run cancelled while its cache fills resumes with the cached part checked and the rest computed, as if never stopped', async () => {
  const { dir, request } = await setup('langlab-prefix-resume-');
  const whole = path.join(dir, 'whole');
  const wholeOut = await train(request(whole), new RecordingSink(), never);

  const runDir = path.join(dir, 'cut');
  const ctl = new AbortController();
  const cut = await train(request(runDir), new RecordingSink((p) => { if (p.phase === 'caching' && p.step === 12) ctl.abort(); }), ctl.signal);
  assert.equal(cut.status, 'KILLED');
  const resumedSink = new RecordingSink();
  const resumed = await train(request(runDir, { resume: true }), resumedSink, never);
  assert.equal(resumed.status, 'FINISHED');
  assert.match(cacheLines(resumedSink)[0], /12 of \d+ files are already cached/);
  assert.deepEqual(weights(runDir), weights(whole));
  assert.deepEqual(resumed.predictions, wholeOut.predictions);

  // A damaged record (a crash mid-write, a bad disk) is recomputed, never read as it is.
  const ctl2 = new AbortController();
  const runDir2 = path.join(dir, 'damaged');
  await train(request(runDir2), new RecordingSink((p) => { if (p.phase === 'training' && p.step === 3) ctl2.abort(); }), ctl2.signal);
  const hidden = path.join(prefixCacheDir(runDir2), 'hidden.bin');
  const fd = fs.openSync(hidden, 'r+');
  const buf = new Uint8Array(fs.statSync(hidden).size);
  fs.readSync(fd, buf, 0, buf.length, 0);
  const at = buf.findIndex((b) => b !== 0);
  fs.writeSync(fd, Uint8Array.of(buf[at] ^ 0xff), 0, 1, at);
  fs.closeSync(fd);
  const repaired = new RecordingSink();
  await train(request(runDir2, { resume: true }), repaired, never);
  assert.match(cacheLines(repaired).filter((l) => l.includes('after epoch')).at(-1)!, /1 damaged and recomputed/);
  assertClose(weights(runDir2), weights(whole), 1e-3, 'after repairing a record');
  // A checkpoint holds the same trainable weights either way, so a run resumes with the setting flipped.
  const ctl3 = new AbortController();
  const runDir3 = path.join(dir, 'flipped');
  await train(request(runDir3, { hp: { cache_frozen_layers: false } }), new RecordingSink((p) => { if (p.phase === 'training' && p.step === 3) ctl3.abort(); }), ctl3.signal);
  const flipped = await train(request(runDir3, { resume: true }), new RecordingSink(), never);
  assert.equal(flipped.status, 'FINISHED');
  assertClose(weights(runDir3), weights(whole), 1e-3, 'resumed with the cache after starting without it');
});

/** A tiny 3-layer pretrained folder in `dir` with its last layer trained: the prepared model and its frozen prefix. */
function tinyPrefix(dir: string) {
  const modelDir = path.join(dir, 'tiny-roberta');
  writeTinyRoberta(modelDir, { hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 32, max_length: 64 });
  const hp: Hyperparameters = { ...defaultHyperparameters('pretrained'), max_length: 48, unfreeze_last_n_layers: 1 };
  const prepared = prepareModel({ kind: 'pretrained', path: modelDir }, hp);
  return { prepared, prefix: prepared.build(['a', 'b']).prefix! };
}

test('the prefix session is released once every training file is cached, and made again only to repair a damaged record', async () => {
  const dir = tempDir('langlab-prefix-session-');
  const { prepared, prefix } = tinyPrefix(dir);
  let built = 0;
  const counted = { ...prefix, model: () => (built++, prefix.model()) };
  const files = ['int main() { return 0; }', 'def f(x):\n    return x', '<a href="x">y</a>', 'SELECT 1;'].map((t) => prepared.tokenizer.tokenize(t));
  const open = () => PrefixCache.open({ runDir: dir, prefix: counted, files, padId: prepared.tokenizer.padId, provider: 'cpu', threads: 1 });
  const seqOf = (rows: number[]) => Math.max(...rows.map((r) => files[r].length));

  const cache = await open();
  assert.equal(cache.holdsSession, false, 'the session is made when a record is first computed');
  const first = await cache.batch([0, 1], seqOf([0, 1]));
  assert.ok(cache.holdsSession, 'two files are still to be computed');
  await cache.batch([2, 3], seqOf([2, 3]));
  assert.equal(cache.holdsSession, false, 'every file is cached: the frozen weights leave memory');
  const again = await cache.batch([0, 1], seqOf([0, 1]));
  assert.deepEqual(again.data, first.data);
  assert.equal(cache.holdsSession, false);
  assert.equal(built, 1);
  await cache.close();

  // Reopened complete (a resume after the first epoch): no session at all until a record is damaged.
  const hidden = path.join(prefixCacheDir(dir), 'hidden.bin');
  const fd = fs.openSync(hidden, 'r+');
  fs.writeSync(fd, Uint8Array.of(0x55), 0, 1, 3);
  fs.closeSync(fd);
  const reopened = await open();
  assert.equal(reopened.holdsSession, false);
  assert.equal(built, 1);
  const repaired = await reopened.batch([0, 1], seqOf([0, 1]));
  assert.deepEqual(repaired.data, first.data);
  assert.deepEqual(reopened.counts, { read: 1, computed: 1, damaged: 1 });
  assert.equal(built, 2, 'the damaged record was recomputed with a new session');
  assert.equal(reopened.holdsSession, false, 'and the session released again');
  await reopened.close();
});

test('fill() computes every missing record shortest first, reports progress, stops on abort and releases the session when complete', async () => {
  const dir = tempDir('langlab-prefix-fill-');
  const { prepared, prefix } = tinyPrefix(dir);
  const texts = ['int main(void) { return 0; }\n', 'x = 1', '<a href="x">y</a> <b>z</b>', 'SELECT 1;', 'fn main() { println!("hi"); }'];
  const files = texts.map((t) => prepared.tokenizer.tokenize(t));
  const open = (runDir: string) => PrefixCache.open({ runDir, prefix, files, padId: prepared.tokenizer.padId, provider: 'cpu', threads: 1 });
  const seq = Math.max(...files.map((f) => f.length));
  const all = files.map((_, i) => i);

  // The reference: every record computed by batches, as the first epoch did before fill() existed.
  const byBatch = await open(path.join(dir, 'by-batch'));
  const expected = await byBatch.batch(all, seq);
  await byBatch.close();

  const ctl = new AbortController();
  const seen: [number, number][] = [];
  const partial = await open(path.join(dir, 'filled'));
  const stopped = await partial.fill({ batchSize: 2, signal: ctl.signal, onProgress: (n, total) => { seen.push([n, total]); if (n >= 2) ctl.abort(); } });
  assert.equal(stopped, false, 'an aborted fill says so');
  assert.deepEqual(seen, [[0, 5], [2, 5]]);
  assert.equal(partial.counts.computed, 2);
  assert.ok(partial.holdsSession, 'records are still missing');
  await partial.close();

  const resumed = await open(path.join(dir, 'filled'));
  assert.equal(resumed.opening.written, 2, 'the records written before the abort are kept');
  const progress: number[] = [];
  assert.equal(await resumed.fill({ batchSize: 2, onProgress: (n) => progress.push(n) }), true);
  assert.deepEqual(progress, [2, 4, 5]);
  assert.equal(resumed.counts.computed, 3);
  assert.equal(resumed.holdsSession, false, 'a complete cache releases the frozen weights');
  const got = await resumed.batch(all, seq);
  assert.deepEqual(resumed.counts, { read: 5, computed: 3, damaged: 0 });
  const a = got.data as Uint16Array;
  const b = expected.data as Uint16Array;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(fromHalf(a[i]) - fromHalf(b[i])) / (1 + Math.abs(fromHalf(b[i]))));
  assert.ok(worst < 2e-3, `filled records match records computed in one batch (worst ${worst})`);
  await resumed.close();
});
