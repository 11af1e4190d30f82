import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

function langlab(args: string[], home: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function folder(classes: Record<string, number>): string {
  const files: Record<string, string> = {};
  for (const [label, n] of Object.entries(classes)) for (let i = 0; i < n; i++) files[`${label}/f${i}`] = label === 'python' ? pySource(i) : jsSource(i);
  return makeTree(files);
}

const TINY = ['--model', 'scratch', '--d-model', '16', '--num-layers', '1', '--num-heads', '2', '--dim-feedforward', '32', '--max-length', '32', '--batch-size', '4'];

test('lr-find --json trains a tiny model over a growing learning rate, prints the curve and a suggestion, stores it as a finder run, and creates no run', () => {
  const home = tempDir();
  const data = folder({ python: 20, javascript: 20 });
  const r = langlab(['lr-find', '--dataset', data, ...TINY, '--min', '1e-6', '--max', '10', '--steps', '25', '--json'], home);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.equal(out.min_lr, 1e-6);
  assert.equal(out.max_lr, 10);
  assert.ok(out.steps_run >= 3 && out.steps_run <= 25);
  assert.equal(out.curve.length, out.steps_run);
  assert.equal(out.curve[0].lr, 1e-6);
  for (let i = 1; i < out.curve.length; i++) assert.ok(out.curve[i].lr > out.curve[i - 1].lr, 'the learning rate grows every step');
  if (out.stopped_by === null) assert.equal(out.steps_run, 25);
  assert.ok(out.suggested_lr > 0 && out.suggested_lr <= 10);
  assert.equal(out.suggested_lr, out.steepest_lr ?? out.min_over_10_lr);
  // Stored as a finder run: --show reads the same curve back, --list names it.
  assert.equal(out.status, 'FINISHED');
  const shown = langlab(['lr-find', '--show', String(out.id), '--json'], home);
  assert.equal(shown.status, 0, shown.stderr);
  assert.deepEqual(JSON.parse(shown.stdout), out);
  const listed = JSON.parse(langlab(['lr-find', '--list', '--json'], home).stdout);
  assert.equal(listed.total, 1);
  assert.deepEqual([listed.items[0].id, listed.items[0].steps_run, listed.items[0].suggested_lr], [out.id, out.steps_run, out.suggested_lr]);
  assert.match(langlab(['lr-find', '--help'], home).stdout, /stored as a finder run/);
  const missing = langlab(['lr-find', '--show', '99'], home);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /no learning-rate finder run 99/);
  // No run in the list and nothing under the runs' artifacts.
  assert.equal(JSON.parse(langlab(['runs', '--json'], home).stdout).total, 0);
  const artifacts = path.join(home, 'artifacts', 'runs');
  assert.deepEqual(existsSync(artifacts) ? readdirSync(artifacts) : [], []);
});

test('lr-find refuses a one-class dataset and a range that does not grow, naming the value', () => {
  const home = tempDir();
  const one = langlab(['lr-find', '--dataset', folder({ python: 12 }), ...TINY], home);
  assert.notEqual(one.status, 0);
  assert.match(one.stderr, /single class sub-folder \('python'\)|only one class \(python\)/);
  const range = langlab(['lr-find', '--dataset', '1', ...TINY, '--min', '1', '--max', '0.1'], home);
  assert.equal(range.status, 2);
  assert.match(range.stderr, /--min \(1\) must be below --max \(0\.1\)/);
});
