import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { storePath } from '../../../main/store/paths.ts';
import { openStore } from '../../../main/store/store.ts';
import { progressLine } from '../../../main/cli/train.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

const FAKE = new URL('../trainer/host/fake-engine.ts', import.meta.url).href;
// The command as a user runs it, in a child process, with the fake engine in place of the trainer.
const script = (command: string) => `import { runCli } from ${JSON.stringify(path.resolve('main/cli/index.ts'))};
process.exitCode = await runCli([${JSON.stringify(command)}, ...process.argv.slice(1)], { backend: { engineEntry: process.env.FAKE_ENGINE } });`;
const SCRIPT = script('train');

function home(): { dir: string; datasetId: number } {
  const dir = tempDir();
  const store = openStore({ file: storePath(dir) });
  const datasetId = seedDataset(store.db);
  store.close();
  return { dir, datasetId };
}

function train(args: string[], dir: string, mode = 'finish', command = 'train') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(command), '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANGLAB_HOME: dir, FAKE_ENGINE: `${FAKE}?mode=${mode}` },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function langlab(args: string[], dir: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: dir } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('train --json prints one final line with the outcome, and eval prints the stored report', () => {
  const { dir, datasetId } = home();
  const r = train(['--dataset', String(datasetId), '--model', 'scratch', '--batch-size', '8', '--learning-rate', '0.001', '--name', 'cli', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'stdout holds only the result line');
  const result = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(result), ['run_id', 'status', 'epochs', 'best_val_loss', 'best_val_accuracy', 'split', 'split_detail', 'test_accuracy', 'macro_f1', 'wall_seconds', 'provider']);
  assert.equal(result.provider, 'cpu');
  assert.equal(result.split, 'file', 'a dataset that names no projects is split per file');
  assert.equal(result.status, 'FINISHED');
  assert.equal(result.epochs, 3);
  assert.equal(result.best_val_loss, 0.25);
  assert.equal(result.test_accuracy, 2 / 3);
  assert.equal(result.macro_f1, 5 / 9);
  assert.match(r.stderr, /fake trained with batch size 8/, 'log lines go to stderr');

  const ev = langlab(['eval', String(result.run_id), '--json'], dir);
  assert.equal(ev.status, 0, ev.stderr);
  const report = JSON.parse(ev.stdout);
  assert.deepEqual(report.labels, ['java', 'json', 'python']);
  assert.deepEqual(report.confusion_matrix, [[1, 0, 0], [0, 0, 1], [0, 0, 1]]);
  assert.equal(report.accuracy, 2 / 3);
  const text = langlab(['eval', String(result.run_id)], dir);
  assert.match(text.stdout, /precision\s+recall\s+f1-score\s+support/);
  assert.match(text.stdout, /macro avg\s+0\.5000\s+0\.6667\s+0\.5556\s+3/);
  const runs = JSON.parse(langlab(['runs', '--json'], dir).stdout);
  assert.equal(runs.runs[0].name, 'cli');
  assert.equal(runs.runs[0].keyParams.batch_size, 8);
});

test('--provider asks for a device; one that does not start falls back to the CPU, and the command says so', () => {
  const { dir, datasetId } = home();
  const help = langlab(['train', '--help'], dir);
  assert.match(help.stdout + help.stderr, /--provider cpu\|cuda\|dml\|coreml\|webgpu/);
  assert.match(help.stdout + help.stderr, /falls back to the CPU with a warning/);
  const r = train(['--dataset', String(datasetId), '--model', 'scratch', '--provider', 'WebGPU', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim());
  assert.equal(result.provider, 'cpu');
  assert.equal(result.provider_requested, 'webgpu');
  assert.match(result.provider_warning, /^webgpu could not start .*training on the CPU instead/);
  assert.match(r.stderr, /warn: webgpu could not start/, 'the warning is in the log the command prints');
  const text = train(['--dataset', String(datasetId), '--model', 'scratch', '--provider', 'cuda'], dir);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /on cpu\.\nIt asked for cuda but ran on cpu: cuda could not start/);
});

test('bad flags and values are refused before a run exists, naming the value', () => {
  const { dir, datasetId } = home();
  const cases: [string[], RegExp][] = [
    [['--batch-size', '0'], /batch_size\) must be a whole number 1 to 1024, got 0/],
    [['--learning-rate', '-1'], /learning_rate\) must be a number above 0, up to 1, got -1/],
    [['--epochs', 'lots'], /--epochs takes a number .*got 'lots'/],
    [['--warp', '9'], /Unknown option --warp/],
    [['--provider', 'tpu'], /Execution provider "tpu" is unknown/],
  ];
  for (const [extra, message] of cases) {
    const r = train(['--dataset', String(datasetId), '--model', 'scratch', ...extra], dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr + r.stdout, message);
  }
  assert.match(train(['--dataset', '77', '--model', 'scratch'], dir).stderr + '', /no dataset 77/);
  assert.deepEqual(JSON.parse(langlab(['runs', '--json'], dir).stdout).total, 0);
});

test('Ctrl-C cancels the run: it ends KILLED and the command says so', async () => {
  const { dir, datasetId } = home();
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', '--dataset', String(datasetId), '--model', 'scratch', '--json'], {
    env: { ...process.env, LANGLAB_HOME: dir, FAKE_ENGINE: `${FAKE}?mode=cancel` },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (/fake waiting for cancel/.test(stderr) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130, stderr);
  const result = JSON.parse(stdout.trim());
  assert.equal(result.status, 'KILLED');
  assert.match(stderr, /Cancelling/);

  // `langlab resume` continues it from its last checkpoint and ends with the line `train` prints.
  const resumed = train([String(result.run_id), '--json'], dir, 'finish', 'resume');
  assert.equal(resumed.status, 0, resumed.stderr);
  const again = JSON.parse(resumed.stdout.trim());
  assert.equal(again.run_id, result.run_id);
  assert.equal(again.status, 'FINISHED');
  assert.deepEqual(Object.keys(again), Object.keys(JSON.parse(train(['--dataset', String(datasetId), '--model', 'scratch', '--json'], dir).stdout.trim())));
  assert.match(resumed.stderr, /fake resumed at step 6/);
  // A finished run, an unknown one and a malformed id are refused, naming what to do.
  const twice = train([String(result.run_id), '--json'], dir, 'finish', 'resume');
  assert.equal(twice.status, 2, 'a run that cannot be resumed is a bad argument');
  assert.match(JSON.parse(twice.stdout.trim()).error.message, /FINISHED; only KILLED, FAILED or INTERRUPTED runs can be resumed/);
  assert.notEqual(train(['999', '--json'], dir, 'finish', 'resume').status, 0);
  const bad = train(['1x'], dir, 'finish', 'resume');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /resume takes one run id \(a whole number from `langlab runs`\), got '1x'/);
});

test('the progress line shows the bar, epoch, step, losses and ETA', () => {
  const line = progressLine({ runId: 1, phase: 'training', epoch: 1, epochs: 3, step: 50, totalSteps: 100, trainLoss: 0.12345, trainAccuracy: 0.9,
    valLoss: null, valAccuracy: null, learningRate: 1e-4, samplesPerSecond: 30, etaSeconds: 75, elapsedSeconds: 60 }, 120);
  assert.match(line, /^\[#+-+\]  50% training\s+epoch 1\/3  step 50\/100  loss 0\.1235  acc 90\.0%  eta 1m15s$/);
});

test('the progress line counts epochs as the trainer does (from 1): the first step reads epoch 1, preparing too', () => {
  const at = (phase: 'preparing' | 'training', epoch: number, step: number) =>
    progressLine({ runId: 1, phase, epoch, epochs: 3, step, totalSteps: 300, trainLoss: null, trainAccuracy: null,
      valLoss: null, valAccuracy: null, learningRate: 1e-4, samplesPerSecond: null, etaSeconds: null, elapsedSeconds: 1 }, 120);
  assert.match(at('preparing', 0, 0), /epoch 1\/3/);
  assert.match(at('training', 1, 1), /epoch 1\/3/);
  assert.match(at('training', 3, 300), /epoch 3\/3/);
});

test('a `langlab train` killed with SIGKILL leaves its run INTERRUPTED for the next command, which can resume it', async () => {
  const { dir, datasetId } = home();
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', '--dataset', String(datasetId), '--model', 'scratch', '--json'], {
    env: { ...process.env, LANGLAB_HOME: dir, FAKE_ENGINE: `${FAKE}?mode=cancel` },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (/fake waiting for cancel/.test(stderr) && !child.killed) child.kill('SIGKILL');
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const runs = JSON.parse(langlab(['runs', '--json'], dir).stdout);
  assert.equal(runs.runs[0].status, 'INTERRUPTED', 'a run whose process is gone is not shown RUNNING');
  const resumed = train([String(runs.runs[0].id), '--threads', '1', '--json'], dir, 'finish', 'resume');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout.trim()).status, 'FINISHED');
  assert.match(resumed.stderr, /fake resumed at step 5/, 'from the checkpoint written before the kill');
  assert.match(train([String(runs.runs[0].id), '--threads', '0'], dir, 'finish', 'resume').stderr, /--threads must be a positive whole number; got '0'/);
});
