// `langlab sweep` and `langlab sweeps` as a user runs them, in a child process: with the fake engine
// for the output's shape, the seeded draws and the refusals, and once with the real trainer on a
// tiny folder and a tiny model.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { storePath } from '../../../main/store/paths.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

const FAKE = new URL('../trainer/host/fake-engine.ts', import.meta.url).href;
const script = `import { runCli } from ${JSON.stringify(path.resolve('main/cli/index.ts'))};
process.exitCode = await runCli(process.argv.slice(1), { backend: { engineEntry: process.env.FAKE_ENGINE } });`;

function home(): { dir: string; datasetId: number } {
  const dir = tempDir();
  const store = openStore({ file: storePath(dir) });
  const datasetId = seedDataset(store.db);
  store.close();
  return { dir, datasetId };
}

/** The command line with the fake engine in place of the trainer. */
function faked(args: string[], dir: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANGLAB_HOME: dir, FAKE_ENGINE: `${FAKE}?mode=finish` },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function langlab(args: string[], dir: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: dir } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('sweep --json prints a line per trial of the grid, then the best; sweeps lists it', () => {
  const { dir, datasetId } = home();
  const r = faked(['sweep', '--dataset', String(datasetId), '--model', 'scratch', '--grid', 'learning_rate=1e-3,2e-3', '--grid', 'dropout=0,0.1', '--epochs', '1', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 5);
  assert.deepEqual(out.slice(0, 4).map((l) => [l.trial, l.status, l.params]), [
    [1, 'FINISHED', { learning_rate: 0.001, dropout: 0 }],
    [2, 'FINISHED', { learning_rate: 0.001, dropout: 0.1 }],
    [3, 'FINISHED', { learning_rate: 0.002, dropout: 0 }],
    [4, 'FINISHED', { learning_rate: 0.002, dropout: 0.1 }],
  ]);
  assert.equal(out[0].best_val_loss, 0.25, 'each trial line carries what `langlab train --json` prints');
  const last = out[4];
  assert.deepEqual([last.status, last.metric, last.trials, last.trials_done], ['FINISHED', 'val_loss', 4, 4]);
  assert.deepEqual(last.best, { trial: 1, run_id: out[0].run_id, val_loss: 0.25, params: { learning_rate: 0.001, dropout: 0 } });

  const list = JSON.parse(langlab(['sweeps', '--json'], dir).stdout);
  assert.deepEqual(list.map((s: { id: number; status: string; trialsDone: number }) => [s.id, s.status, s.trialsDone]), [[last.sweep_id, 'FINISHED', 4]]);
  const text = langlab(['sweeps'], dir).stdout;
  assert.match(text, /FINISHED\t4\/4\tval_loss\t0\.2500/);
  const runs = JSON.parse(langlab(['runs', '--tag', `sweep-${last.sweep_id}`, '--json'], dir).stdout);
  assert.equal(runs.total, 4, 'every trial is a run tagged with its sweep');
});

test('a random search draws the same trials from the same seed; bad values are refused before anything runs', () => {
  const draws = () => {
    const { dir, datasetId } = home();
    const r = faked(['sweep', '--dataset', String(datasetId), '--model', 'scratch', '--random', 'learning-rate=1e-4:1e-2:log', '--random', 'batch_size=4:32',
      '--trials', '3', '--seed', '11', '--metric', 'test_accuracy', '--json'], dir);
    // The same search spelled as `--random N --range key=log:lo:hi`.
    const same = faked(['sweep', '--dataset', String(datasetId), '--model', 'scratch', '--random', '3', '--range', 'learning_rate=log:1e-4:1e-2', '--range', 'batch-size=4:32',
      '--seed', '11', '--metric', 'test_accuracy', '--json'], dir);
    assert.equal(same.status, 0, same.stderr);
    assert.deepEqual(lines(same.stdout).slice(0, 3).map((l) => l.params), lines(r.stdout).slice(0, 3).map((l) => l.params));
    assert.equal(r.status, 0, r.stderr);
    return lines(r.stdout);
  };
  const a = draws();
  const b = draws();
  assert.equal(a.length, 4);
  assert.deepEqual(a.slice(0, 3).map((l) => l.params), b.slice(0, 3).map((l) => l.params));
  for (const l of a.slice(0, 3)) {
    const p = l.params as { learning_rate: number; batch_size: number };
    assert.ok(p.learning_rate >= 1e-4 && p.learning_rate <= 1e-2 && Number.isInteger(p.batch_size));
  }
  assert.equal((a[3].best as { test_accuracy: number }).test_accuracy, 2 / 3);

  const { dir, datasetId } = home();
  const refused: [string[], RegExp][] = [
    [['--grid', 'dropout=0.1,0.95'], /Grid value 0.95 of dropout: Dropout \(dropout\) must be a number 0 to 0.9, got 0.95/],
    [['--grid', 'dropout='], /grid of Dropout \(dropout\) is empty/],
    [['--grid', 'dropout=0.1,x'], /--grid dropout: 'x' is not a number/],
    [['--grid', 'depth=1,2'], /no hyperparameter "depth"/],
    [['--random', 'learning_rate=1e-4:1e-2'], /random search needs a number of trials/],
    [['--random', 'learning_rate=0:1e-2:log', '--trials', '2'], /Range low end 0 of learning_rate/],
    [['--grid', 'dropout=0,0.1', '--trials', '5'], /--trials 5 is for a random search/],
    [['--grid', 'dropout=0,0.1', '--batch-size', '0'], /Batch size \(batch_size\).*See `langlab sweep --help`/],
  ];
  for (const [extra, message] of refused) {
    const r = faked(['sweep', '--dataset', String(datasetId), '--model', 'scratch', ...extra, '--json'], dir);
    assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.match(langlab(['sweeps'], dir).stdout, /No sweeps in this store yet/);
});

test('a grid sweep with the real trainer on a tiny folder and a tiny model names the trial with the lowest validation loss', () => {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const kinds: Record<string, (i: number) => string> = {
    curly: (i) => `function f${i}() {\n  return { a: ${i}, b: [${i}, ${i + 1}] };\n}\n`,
    hash: (i) => `# note ${i}\nvalue_${i} = ${i * 7}\nprint(value_${i})\n`,
  };
  for (const [label, text] of Object.entries(kinds)) {
    fs.mkdirSync(path.join(data, label), { recursive: true });
    for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(data, label, `f${i}.txt`), text(i));
  }
  const r = langlab(['sweep', '--dataset', data, '--model', 'scratch', '--grid', 'learning_rate=0.0005,0.005', '--epochs', '1', '--d-model', '16', '--num-layers', '1',
    '--num-heads', '2', '--dim-feedforward', '32', '--max-length', '32', '--batch-size', '4', '--json'], path.join(dir, 'home'));
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 3);
  const [t1, t2, last] = out;
  assert.deepEqual([t1.status, t2.status], ['FINISHED', 'FINISHED']);
  const losses = [t1.best_val_loss as number, t2.best_val_loss as number];
  const best = last.best as { trial: number; val_loss: number };
  assert.equal(best.val_loss, Math.min(...losses));
  assert.equal(best.trial, losses.indexOf(Math.min(...losses)) + 1);
});

test('Ctrl-C cancels the sweep: the trial in flight ends KILLED, the rest are dropped; sweep resume continues it', async () => {
  const { dir, datasetId } = home();
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', 'sweep', '--dataset', String(datasetId), '--model', 'scratch',
    '--grid', 'dropout=0,0.1,0.2', '--json'], { env: { ...process.env, LANGLAB_HOME: dir, FAKE_ENGINE: `${FAKE}?mode=cancel` } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  // Once the first trial's run has started and checkpointed, as a user would press Ctrl-C.
  await new Promise<void>((resolve) =>
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (/Trial 1\/3: run 1 started/.test(stderr)) resolve();
    }),
  );
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  const out = lines(stdout);
  assert.deepEqual(out.slice(0, 3).map((l) => [l.trial, l.status]), [[1, 'KILLED'], [2, 'DROPPED'], [3, 'DROPPED']]);
  assert.deepEqual([out[3].status, out[3].trials_done, out[3].best], ['KILLED', 1, null]);

  const resumed = faked(['sweep', 'resume', String(out[3].sweep_id), '--json'], dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  const after = lines(resumed.stdout);
  // The killed trial continues (from its checkpoint when it had written one, else from the start), then the dropped ones run.
  assert.deepEqual(after.slice(0, 3).map((l) => [l.trial, l.status]), [[1, 'FINISHED'], [2, 'FINISHED'], [3, 'FINISHED']]);
  assert.equal(after[3].status, 'FINISHED');
  assert.equal(faked(['sweep', 'resume', String(out[3].sweep_id)], dir).status, 2, 'a finished sweep has nothing to resume');
});
