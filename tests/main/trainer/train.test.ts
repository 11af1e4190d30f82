import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LanglabError } from '../../../main/errors.ts';
import { int8SumsExactly } from '../../../main/engine/runtime/int8-support.ts';
import { INT8_MODEL_DIR } from '../../../main/trainer/int8-export.ts';
import { openStore } from '../../../main/store/store.ts';
import { classificationReport } from '../../../main/trainer/metrics.ts';
import { readCheckpoint } from '../../../main/trainer/checkpoint.ts';
import { type TrainRequest, predictTexts, train } from '../../../main/trainer/train.ts';
import { tempDir } from '../../helpers/temp.ts';
import { RecordingSink, tinyDataset, tinyHyperparameters } from './tiny-run.ts';

const never = new AbortController().signal;

function request(storeFile: string, datasetId: number, runDir: string, o: Partial<TrainRequest> = {}): TrainRequest {
  return {
    runId: 1, storeFile, datasetId, model: { kind: 'scratch' }, hyperparameters: tinyHyperparameters(),
    provider: 'cpu', runDir, resume: false, threads: 1, logEverySteps: 2, ...o,
  };
}

test('a tiny run trains, evaluates the test split with the best checkpoint and exports it', async () => {
  const dir = tempDir('langlab-train-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  const sink = new RecordingSink();
  const runDir = path.join(dir, 'run');
  const out = await train(request(storeFile, datasetId, runDir, { logEverySteps: 10 }), sink, never);

  assert.equal(out.status, 'FINISHED');
  assert.equal(out.epochsCompleted, 8);
  assert.deepEqual(sink.devices, [{ provider: 'cpu', fallbackReason: null }], 'the sink is told once where the steps run');
  // The dashboard gets its first training point after the first step, not after ten.
  const firstLoss = sink.points.find((p) => p.key === 'train_loss');
  assert.equal(firstLoss?.step, 1);
  // The learning rate is stored for every optimizer step (the warm-up the live chart showed stays).
  assert.deepEqual(sink.points.filter((p) => p.key === 'learning_rate').map((p) => p.step), Array.from({ length: out.steps }, (_, i) => i + 1));
  assert.deepEqual(out.labels, ['angle', 'curly', 'hash']);
  const ev = out.evaluation!;
  assert.ok(ev.accuracy > 0.9, `test accuracy ${ev.accuracy}`);
  assert.equal(out.predictions.length, ev.rows.reduce((n, r) => n + r.support, 0));
  // The stored report is what the stored predictions give.
  const again = classificationReport(ev.labels, out.predictions.map((p) => ev.labels.indexOf(p.trueLabel)), out.predictions.map((p) => ev.labels.indexOf(p.predictedLabel)));
  assert.deepEqual(again.confusion, ev.confusion);
  assert.equal(again.accuracy, ev.accuracy);
  for (const p of out.predictions) {
    assert.equal(p.top[0].label, p.predictedLabel);
    assert.ok(p.top.length === 3 && p.top[0].probability >= p.top[1].probability);
  }
  for (const k of ['train_loss', 'train_accuracy', 'learning_rate', 'samples_per_s', 'grad_norm', 'val_loss', 'val_accuracy', 'test_accuracy']) {
    assert.ok(sink.keys().has(k), `metric ${k} was written`);
  }
  assert.equal(sink.points.filter((p) => p.key === 'val_loss').length, 8, 'one validation per epoch');
  assert.ok(['preparing', 'training', 'validating', 'testing', 'finished'].every((ph) => sink.updates.some((u) => u.phase === ph)));
  for (const which of ['last', 'best']) {
    for (const f of ['weights.safetensors', 'optimizer.safetensors', 'state.json']) assert.ok(fs.existsSync(path.join(runDir, 'checkpoints', which, f)), `${which}/${f}`);
  }
  // The export classifies every test file as the evaluation did, with the same probabilities.
  const texts = out.predictions.map((p) => fs.readFileSync(path.join(dir, 'data', p.path), 'utf8'));
  const ranked = await predictTexts(out.exportDir!, texts, 2);
  assert.deepEqual(ranked.map((r) => r[0].label), out.predictions.map((p) => p.predictedLabel));
  ranked.forEach((r, i) => assert.ok(Math.abs(r[0].probability - out.predictions[i].top[0].probability) < 1e-5, `${out.predictions[i].path}: ${r[0].probability}`));
  assert.equal(ranked[0].length, 2);
  // Where int8 is the classification default, the run's int8 export is written with it, by the trainer.
  const int8Manifest = path.join(runDir, INT8_MODEL_DIR, 'langlab-model.json');
  assert.equal(fs.existsSync(int8Manifest), int8SumsExactly());
  if (int8SumsExactly()) assert.equal(JSON.parse(fs.readFileSync(int8Manifest, 'utf8')).quantize, 'int8');
});

test('a run cancelled mid-epoch and resumed ends exactly as an uninterrupted run', async () => {
  const dir = tempDir('langlab-resume-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  const hp = tinyHyperparameters({ gradient_accumulation_steps: 2, eval_every_steps: 3, epochs: 2 });
  const whole = await train(request(storeFile, datasetId, path.join(dir, 'a'), { hyperparameters: hp }), new RecordingSink(), never);

  const ctl = new AbortController();
  const cut = new RecordingSink((p) => { if (p.phase === 'training' && p.step === 4) ctl.abort(); });
  const runDir = path.join(dir, 'b');
  const first = await train(request(storeFile, datasetId, runDir, { hyperparameters: hp }), cut, ctl.signal);
  assert.equal(first.status, 'KILLED');
  assert.equal(first.steps, 4);
  assert.equal(first.evaluation, null);
  const state = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoints/last/state.json'), 'utf8')) as { step: number; batchInEpoch: number };
  assert.equal(state.step, 4);
  assert.ok(state.batchInEpoch > 0, 'cancelled inside an epoch');

  const resumed = await train(request(storeFile, datasetId, runDir, { hyperparameters: hp, resume: true }), new RecordingSink(), never);
  assert.equal(resumed.status, 'FINISHED');
  assert.equal(resumed.steps, whole.steps);
  assert.equal(resumed.bestValLoss, whole.bestValLoss);
  assert.deepEqual(resumed.evaluation, whole.evaluation);
  assert.deepEqual(resumed.predictions, whole.predictions);
  const weights = (d: string) => fs.readFileSync(path.join(d, 'checkpoints/last/weights.safetensors'));
  assert.ok(weights(runDir).equals(weights(path.join(dir, 'a'))), 'same final weights');
});

test('a loss that overflows stops the run with the step it happened at', async () => {
  const dir = tempDir('langlab-nan-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  await assert.rejects(
    train(request(storeFile, datasetId, path.join(dir, 'run'), { hyperparameters: tinyHyperparameters({ learning_rate: 1e30, max_grad_norm: 0, warmup_ratio: 0 }) }), new RecordingSink(), never),
    (e: unknown) => e instanceof LanglabError && e.code === 'TRAINING_FAILED' && /Loss became (NaN|infinite) at step \d+ \(epoch \d+\)/.test(e.message),
  );
});

test('bad data is refused naming the problem', async () => {
  const one = tempDir('langlab-one-');
  // The importers refuse one class; a store edited by hand (or an older build) still could have it.
  const a = await tinyDataset(one, { labels: ['curly', 'hash'] });
  const store = openStore({ file: a.storeFile });
  store.db.prepare(`UPDATE dataset_files SET label = 'curly'`).run();
  store.close();
  await assert.rejects(train(request(a.storeFile, a.datasetId, path.join(one, 'run')), new RecordingSink(), never),
    (e: unknown) => e instanceof LanglabError && e.code === 'INVALID_ARGUMENT' && /only one class \(curly\)/.test(e.message));
  const noTest = tempDir('langlab-notest-');
  const b = await tinyDataset(noTest, { testFraction: 0 });
  await assert.rejects(train(request(b.storeFile, b.datasetId, path.join(noTest, 'run')), new RecordingSink(), never),
    (e: unknown) => e instanceof LanglabError && e.code === 'INVALID_ARGUMENT' && /empty test split/.test(e.message));
});

test('without a validation split, one is held out of train (seeded, stratified)', async () => {
  const dir = tempDir('langlab-holdout-');
  const { storeFile, datasetId } = await tinyDataset(dir, { validationFraction: 0 });
  const sink = new RecordingSink();
  const out = await train(request(storeFile, datasetId, path.join(dir, 'run'), { hyperparameters: tinyHyperparameters({ epochs: 1, validation_split: 0.25 }) }), sink, never);
  assert.equal(out.status, 'FINISHED');
  assert.ok(sink.lines.some((l) => /held out of train, validation_split 0.25/.test(l.message)), sink.lines.map((l) => l.message).join('\n'));
  assert.ok(out.bestValLoss !== null);
});

test('early stopping ends training after `patience` validations without a lower loss', async () => {
  const dir = tempDir('langlab-early-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  // A learning rate far below float32 resolution leaves the weights, hence the validation loss, unchanged.
  const hp = tinyHyperparameters({ learning_rate: 1e-30, eval_every_steps: 1, early_stopping_patience: 2, epochs: 3 });
  const sink = new RecordingSink();
  const out = await train(request(storeFile, datasetId, path.join(dir, 'run'), { hyperparameters: hp }), sink, never);
  assert.equal(out.status, 'FINISHED');
  assert.equal(out.steps, 3, 'best at step 1, no improvement at steps 2 and 3');
  assert.equal(sink.points.filter((p) => p.key === 'val_loss').length, 3);
  assert.ok(sink.lines.some((l) => /Early stopping/.test(l.message)));
  assert.ok(out.evaluation !== null && out.exportDir !== null);
});

/** The last checkpoint's weights of a run folder. */
const lastWeights = (runDir: string) => fs.readFileSync(path.join(runDir, 'checkpoints/last/weights.safetensors'));

/**
 * Runs `hp` again in `dir/b`, cancelled at step 5 and resumed, and checks that it ends as `whole`
 * (run in `dir/a`) did: what a run draws anew each epoch must be drawn the same after a resume.
 */
async function assertResumeEndsAs(whole: Awaited<ReturnType<typeof train>>, storeFile: string, datasetId: number, hp: TrainRequest['hyperparameters'], dir: string): Promise<void> {
  const ctl = new AbortController();
  const runDir = path.join(dir, 'b');
  const cut = new RecordingSink((p) => { if (p.phase === 'training' && p.step === 5) ctl.abort(); });
  assert.equal((await train(request(storeFile, datasetId, runDir, { hyperparameters: hp }), cut, ctl.signal)).status, 'KILLED');
  const resumed = await train(request(storeFile, datasetId, runDir, { hyperparameters: hp, resume: true }), new RecordingSink(), never);
  assert.deepEqual(resumed.predictions, whole.predictions);
  assert.ok(lastWeights(runDir).equals(lastWeights(path.join(dir, 'a'))), 'same final weights');
}

test('random windows train on other bytes than the fixed head and tail, and a resumed run draws the same ones', async () => {
  const dir = tempDir('langlab-windows-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  const hp = tinyHyperparameters({ random_windows: true, max_length: 24, epochs: 2 });
  await train(request(storeFile, datasetId, path.join(dir, 'fixed'), { hyperparameters: { ...hp, random_windows: false } }), new RecordingSink(), never);
  const whole = await train(request(storeFile, datasetId, path.join(dir, 'a'), { hyperparameters: hp }), new RecordingSink(), never);
  assert.equal(whole.status, 'FINISHED');
  assert.ok(!lastWeights(path.join(dir, 'a')).equals(lastWeights(path.join(dir, 'fixed'))), 'the windows changed what was learned');

  await assertResumeEndsAs(whole, storeFile, datasetId, hp, dir);
});

test('project balance changes what a run learns, says so in the log, and a resumed run draws the same epochs', async () => {
  const dir = tempDir('langlab-balance-');
  // Per class: one project of 24 files and six of 3 (the split holds some of them out whole).
  const { storeFile, datasetId } = await tinyDataset(dir, { projectSizes: [24, 3, 3, 3, 3, 3, 3] });
  const hp = tinyHyperparameters({ project_balance: 1, epochs: 2 });
  const plainSink = new RecordingSink();
  await train(request(storeFile, datasetId, path.join(dir, 'plain'), { hyperparameters: { ...hp, project_balance: 0 } }), plainSink, never);
  assert.ok(!plainSink.lines.some((l) => l.message.includes('project_balance')));
  const sink = new RecordingSink();
  const whole = await train(request(storeFile, datasetId, path.join(dir, 'a'), { hyperparameters: hp }), sink, never);
  assert.equal(whole.status, 'FINISHED');
  assert.ok(sink.lines.some((l) => /project_balance 1: each epoch draws the training files of \d+ projects/.test(l.message)), 'the log names the balancing');
  assert.ok(!lastWeights(path.join(dir, 'a')).equals(lastWeights(path.join(dir, 'plain'))), 'the draws changed what was learned');

  await assertResumeEndsAs(whole, storeFile, datasetId, hp, dir);
});

test('a weight average leaves training as it was, is what validation scores and the export keeps, and survives a resume', async () => {
  const dir = tempDir('langlab-average-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  const hp = tinyHyperparameters({ epochs: 3, ema_decay: 0.9 });
  const plain = await train(request(storeFile, datasetId, path.join(dir, 'plain'), { hyperparameters: { ...hp, ema_decay: 0 } }), new RecordingSink(), never);
  const whole = await train(request(storeFile, datasetId, path.join(dir, 'a'), { hyperparameters: hp }), new RecordingSink(), never);
  const file = (d: string, which: string, f: string) => fs.readFileSync(path.join(dir, d, 'checkpoints', which, f));
  assert.ok(file('a', 'last', 'weights.safetensors').equals(file('plain', 'last', 'weights.safetensors')), 'the optimizer took the same steps');
  assert.notEqual(whole.bestValLoss, plain.bestValLoss, 'validation scored the average, not the latest weights');
  const last = readCheckpoint(path.join(dir, 'a', 'checkpoints', 'last'));
  assert.equal(last.average?.updates, Math.floor(whole.steps / 4), 'the average took the weights every 4 steps on the CPU');
  const best = readCheckpoint(path.join(dir, 'a', 'checkpoints', 'best'));
  assert.equal(best.average, null);
  assert.equal(best.state.step, last.state.step, 'the last validation was the best (so the last average is the best weights)');
  for (const [name, w] of Object.entries(best.runner.params)) assert.deepEqual(w, last.average!.weights[name], `best ${name} is the average`);
  // The export is the best checkpoint's (averaged) weights: it scores the test files as the report did.
  const texts = whole.predictions.map((p) => fs.readFileSync(path.join(dir, 'data', p.path), 'utf8'));
  const ranked = await predictTexts(whole.exportDir!, texts, 1);
  assert.deepEqual(ranked.map((r) => r[0].label), whole.predictions.map((p) => p.predictedLabel));

  const ctl = new AbortController();
  const cut = new RecordingSink((p) => { if (p.phase === 'training' && p.step === 7) ctl.abort(); });
  const runDir = path.join(dir, 'b');
  assert.equal((await train(request(storeFile, datasetId, runDir, { hyperparameters: hp }), cut, ctl.signal)).status, 'KILLED');
  const resumed = await train(request(storeFile, datasetId, runDir, { hyperparameters: hp, resume: true }), new RecordingSink(), never);
  assert.equal(resumed.bestValLoss, whole.bestValLoss);
  assert.deepEqual(resumed.predictions, whole.predictions);
  assert.ok(file('b', 'best', 'weights.safetensors').equals(file('a', 'best', 'weights.safetensors')), 'the resumed run kept the same average');
});

test('a file profile trains, and the export reads it as the evaluation did', async () => {
  const dir = tempDir('langlab-profile-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  const hp = tinyHyperparameters({ epochs: 3, profile_buckets: 64 });
  const out = await train(request(storeFile, datasetId, path.join(dir, 'run'), { hyperparameters: hp }), new RecordingSink(), never);
  assert.equal(out.status, 'FINISHED');
  const best = readCheckpoint(path.join(dir, 'run', 'checkpoints', 'best'));
  assert.ok(best.runner.params['profile.weight'].some((v) => v !== 0), 'the projection learned from zero');
  const manifest = JSON.parse(fs.readFileSync(path.join(out.exportDir!, 'langlab-model.json'), 'utf8'));
  assert.deepEqual(manifest.inputs, ['input_ids', 'attention_mask', 'file_profile']);
  assert.equal(manifest.tokenizer.profile_buckets, 64);
  assert.equal(manifest.tokenizer.profile_bytes, 4096);
  const texts = out.predictions.map((p) => fs.readFileSync(path.join(dir, 'data', p.path), 'utf8'));
  const ranked = await predictTexts(out.exportDir!, texts, 1);
  assert.deepEqual(ranked.map((r) => r[0].label), out.predictions.map((p) => p.predictedLabel));
  ranked.forEach((r, i) => assert.ok(Math.abs(r[0].probability - out.predictions[i].top[0].probability) < 1e-5, `${out.predictions[i].path}: ${r[0].probability}`));
});

test('a second look reads unsure long files again, in the test report and in the export alike', async () => {
  const dir = tempDir('langlab-second-look-');
  const { storeFile, datasetId } = await tinyDataset(dir);
  // One short epoch over a narrow window: the model is still unsure of many files.
  const hp = tinyHyperparameters({ epochs: 1, max_length: 24, second_look_windows: 3 });
  const sink = new RecordingSink();
  const out = await train(request(storeFile, datasetId, path.join(dir, 'run'), { hyperparameters: hp }), sink, never);
  assert.equal(out.status, 'FINISHED');
  const manifestFile = path.join(out.exportDir!, 'langlab-model.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  assert.deepEqual(manifest.second_look, { below: 0.99, windows: 3, base_weight: 2 });
  const said = sink.lines.map((l) => /^Second look: (\d+) of (\d+) test files/.exec(l.message)).find((m) => m);
  assert.ok(said, sink.lines.map((l) => l.message).join('\n'));
  const looked = Number(said[1]);
  assert.ok(looked > 0 && looked < out.predictions.length, `${looked} of ${out.predictions.length}`);
  // The export takes the same second look: same labels, same probabilities.
  const texts = out.predictions.map((p) => fs.readFileSync(path.join(dir, 'data', p.path), 'utf8'));
  const ranked = await predictTexts(out.exportDir!, texts, 1);
  assert.deepEqual(ranked.map((r) => r[0].label), out.predictions.map((p) => p.predictedLabel));
  ranked.forEach((r, i) => assert.ok(Math.abs(r[0].probability - out.predictions[i].top[0].probability) < 1e-5, `${out.predictions[i].path}: ${r[0].probability}`));
  // Without it (the manifest's entry removed), exactly the files it read again score otherwise.
  delete manifest.second_look;
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  const plain = await predictTexts(out.exportDir!, texts, 1);
  assert.equal(plain.filter((r, i) => Math.abs(r[0].probability - ranked[i][0].probability) > 1e-6).length, looked);
  // A manifest whose second look is not valid is refused, naming the file.
  fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, second_look: { below: 2, windows: 3, base_weight: 2 } }));
  await assert.rejects(predictTexts(out.exportDir!, texts, 1), (e: Error) => e.message.includes(manifestFile) && /second_look .* is not valid/.test(e.message));
});

test('syntax rules move TypeScript that parses as JavaScript, in the test report and in the export alike', async () => {
  const dir = tempDir('langlab-syntax-rules-');
  const { storeFile, datasetId } = await tinyDataset(dir, { labels: ['javascript', 'typescript'], perClass: 20 });
  // Barely trained: the model cannot yet tell the two apart, so it puts JavaScript files in TypeScript too.
  const hp = tinyHyperparameters({ epochs: 1, learning_rate: 1e-5, seed: 3 });
  assert.equal(hp.syntax_rules, true, 'on by default for the from-scratch model');
  const sink = new RecordingSink();
  const out = await train(request(storeFile, datasetId, path.join(dir, 'run'), { hyperparameters: hp }), sink, never);
  assert.equal(out.status, 'FINISHED');
  const manifest = JSON.parse(fs.readFileSync(path.join(out.exportDir!, 'langlab-model.json'), 'utf8'));
  assert.equal(manifest.syntax_rules, true);
  const texts = out.predictions.map((p) => fs.readFileSync(path.join(dir, 'data', p.path), 'utf8'));
  // Without the rules the model reads some JavaScript as TypeScript; the rules move exactly those, and the log counts them.
  const plain = await predictTexts(out.exportDir!, texts, 2, false);
  const movable = out.predictions.flatMap((p, i) => (p.trueLabel === 'javascript' && plain[i][0].label === 'typescript' ? [i] : []));
  assert.ok(movable.length > 0, 'the barely trained model reads some JavaScript as TypeScript');
  const said = sink.lines.map((l) => /^Syntax rules: test files moved \(TypeScript that parses as JavaScript: (\d+)\)\.$/.exec(l.message)).find((m) => m);
  assert.ok(said, sink.lines.map((l) => l.message).join('\n'));
  assert.equal(Number(said[1]), movable.length);
  for (const i of movable) assert.equal(out.predictions[i].predictedLabel, 'javascript', out.predictions[i].path);
  // No TypeScript file (each has types) is moved, and the export answers what the test report says.
  for (const [i, p] of out.predictions.entries()) if (p.trueLabel === 'typescript') assert.equal(p.predictedLabel, plain[i][0].label);
  const ranked = await predictTexts(out.exportDir!, texts, 1);
  assert.deepEqual(ranked.map((r) => r[0].label), out.predictions.map((p) => p.predictedLabel));
});
