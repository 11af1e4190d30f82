// The GPU recipe screen's data and replica (bench/recipe-export.ts, bench/recipe_screen.py): the
// export holds the benchmark split and exactly the bytes the trainer draws windows from; where a
// Python with PyTorch is on the machine, the replica matches the engine at initialisation (logits,
// parameter count, batch order, random windows) and the runner script screens a config end to end.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { datasetFromFolder } from '../../../main/data/from-folder.ts';
import { ByteTokenizer } from '../../../main/engine/tokenize/bytes.ts';
import { WINDOW_SOURCE_BYTES } from '../../../main/trainer/model.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';
import { tempDir } from '../../helpers/temp.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const LICENCE = '/*\n * Licensed under the Apache License, Version 2.0 (the "License");\n * you may not use this file except in compliance.\n */\n';

function fixture(): { folder: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  for (let p = 0; p < 6; p++) {
    for (let i = 0; i < 5; i++) {
      files[`python/proj${p}/src/f${i}.py`] = pySource(p * 10 + i);
      files[`javascript/lib${p}/f${i}.js`] = (i === 0 ? LICENCE : '') + jsSource(p * 10 + i);
    }
  }
  // Longer than both window-source ends together: only its first and last 4 KiB are kept.
  files['javascript/lib0/long.js'] = Array.from({ length: 600 }, (_, i) => jsSource(i)).join('');
  return { folder: makeTree(files), files };
}

interface Header {
  labels: string[];
  window_source_bytes: number;
  fingerprint: string;
  files: { index: number; split: string; label: string; project: string | null; path: string; length: number }[];
}

function readExport(file: string): { header: Header; bytes: Buffer } {
  const raw = execFileSync('sh', ['-c', 'xz -dc "$1"', 'xz', file], { maxBuffer: 1 << 28 });
  const magic = 'LLRECIPE1\n';
  assert.equal(raw.subarray(0, magic.length).toString(), magic);
  const n = raw.readUInt32LE(magic.length);
  return { header: JSON.parse(raw.subarray(magic.length + 4, magic.length + 4 + n).toString()) as Header, bytes: raw.subarray(magic.length + 4 + n) };
}

function exportTo(folder: string, out: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/recipe-export.ts'), '--data', folder, '--out', out], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stderr);
}

/** A Python that can import torch, or null (the replica's checks are then skipped). */
function torchPython(): string | null {
  for (const py of [process.env.LANGLAB_TORCH_PYTHON, 'python3', '/usr/bin/python3']) {
    if (py && spawnSync(py, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

test('the export keeps the benchmark split and each file\'s window-source bytes, in the store\'s order', async () => {
  const { folder, files } = fixture();
  const out = path.join(tempDir(), 'data.bin.xz');
  exportTo(folder, out);
  const { header, bytes } = readExport(out);
  const expected = await datasetFromFolder(folder);
  assert.equal(header.fingerprint, expected.fingerprint);
  assert.deepEqual(header.labels, ['javascript', 'python']);
  assert.equal(header.window_source_bytes, WINDOW_SOURCE_BYTES);
  const splitOf = new Map(expected.files.map((f) => [f.path, f.split]));
  assert.equal(header.files.length, expected.files.length);
  const tok = new ByteTokenizer({ max_length: 256, truncate: 'head_tail', skip_leading_comments: true });
  let offset = 0;
  for (const f of header.files) {
    assert.equal(f.split, splitOf.get(f.path), f.path);
    const got = bytes.subarray(offset, offset + f.length);
    offset += f.length;
    assert.deepEqual([...got], [...tok.sourceIds(files[f.path], WINDOW_SOURCE_BYTES)], f.path);
  }
  assert.equal(offset, bytes.length);
  const long = header.files.find((f) => f.path === 'javascript/lib0/long.js')!;
  assert.equal(long.length, 2 * WINDOW_SOURCE_BYTES);
  const licensed = header.files.find((f) => f.path === 'javascript/lib0/f0.js')!;
  assert.equal(licensed.length, Buffer.byteLength(jsSource(0)), 'the leading licence comment is skipped');
  assert.deepEqual(header.files.map((f) => f.index), [...header.files.keys()]);
});

test('the export names a missing folder', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/recipe-export.ts'), '--data', '/nonexistent/bench', '--out', path.join(tempDir(), 'x.xz')],
    { encoding: 'utf8', cwd: root });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\/nonexistent\/bench does not exist/);
});

test('the PyTorch replica matches the engine at initialisation and screens a config end to end', (t) => {
  const py = torchPython();
  if (!py) {
    t.skip('no Python with torch and numpy on this machine');
    return;
  }
  const dir = tempDir();
  const variants: [string, string[]][] = [['defaults', []], ['other', ['--set', 'd_model=48', '--set', 'num_heads=3', '--set', 'num_layers=1',
    '--set', 'dim_feedforward=96', '--set', 'max_pooling=false', '--set', 'max_length=100', '--set', 'seed=9', '--set', 'batch_size=8']]];
  for (const [name, sets] of variants) {
    const ref = path.join(dir, `${name}.json`);
    fs.writeFileSync(ref, execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/recipe-parity.ts'), ...sets], { cwd: root }));
    const checked: SpawnSyncReturns<string> = spawnSync(py, [path.join(root, 'bench/recipe_screen.py'), '--parity', ref], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `${name}: ${checked.stdout}${checked.stderr}`);
    const parity = JSON.parse(checked.stdout) as { ok: boolean; params: number };
    assert.equal(parity.ok, true);
    if (name === 'defaults') assert.equal(parity.params, 447_962 + 65_536 * 128);
  }

  // The runner script on a copy of the repository's bench folder with a tiny exported dataset.
  const work = path.join(dir, 'repo');
  fs.mkdirSync(path.join(work, '.recipe'), { recursive: true });
  fs.cpSync(path.join(root, 'bench'), path.join(work, 'bench'), { recursive: true });
  exportTo(fixture().folder, path.join(work, '.recipe/recipe-data.bin.xz'));
  const r = spawnSync('sh', ['bench/recipe-screen.sh', 'out', 'tiny:d_model=16,num_heads=2,dim_feedforward=32,epochs=2,max_length=64', 'bad:d_model=30,num_heads=4'], {
    cwd: work, encoding: 'utf8', env: { ...process.env, PYTHON: py, RECIPE_DEVICE: 'cpu', RECIPE_WORKERS: '2', RECIPE_ARGS: '--threads 1' },
  });
  assert.equal(r.status, 0, r.stderr);
  const rows = fs.readFileSync(path.join(work, 'out/results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const tiny = rows.find((x) => x.name === 'tiny')!;
  assert.equal(tiny.best_epoch === 1 || tiny.best_epoch === 2, true);
  for (const key of ['test_accuracy', 'core8_accuracy', 'mean_class_accuracy', 'best_val_loss', 'cpu_cost_rel']) assert.equal(typeof tiny[key], 'number', key);
  assert.deepEqual(Object.keys(tiny.test_per_class as object), ['javascript', 'python']);
  assert.match(String(rows.find((x) => x.name === 'bad')?.error), /divisible by num_heads/);
  assert.match(fs.readFileSync(path.join(work, 'out/summary.txt'), 'utf8'), /^tiny /m);
});

test('without dropout, the replica trains to the engine\'s validation losses epoch by epoch', (t) => {
  const py = torchPython();
  if (!py) {
    t.skip('no Python with torch and numpy on this machine');
    return;
  }
  const dir = tempDir();
  const { folder } = fixture();
  exportTo(folder, path.join(dir, 'data.bin.xz'));
  // Dropout off (its masks are the one thing the replica draws differently); random windows on.
  const set = { dropout: 0, d_model: 32, num_heads: 2, dim_feedforward: 64, epochs: 3, max_length: 64, batch_size: 8, early_stopping_patience: 0 };
  const engine = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/train-accuracy.ts'), '--data', folder, '--threads', '1',
    ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as
    { validations: { val_loss: number }[]; test_accuracy: number; steps: number };
  const out = execFileSync(py, [path.join(root, 'bench/recipe_screen.py'), '--data', path.join(dir, 'data.bin.xz'), '--device', 'cpu', '--threads', '1',
    '--config', `p:${Object.entries(set).map(([k, v]) => `${k}=${v}`).join(',')}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const replica = JSON.parse(out.trim()) as { history: { val_loss: number }[]; test_accuracy: number; steps: number };
  assert.equal(replica.steps, engine.steps);
  assert.equal(replica.history.length, engine.validations.length);
  replica.history.forEach((h, i) => assert.ok(Math.abs(h.val_loss - engine.validations[i].val_loss) < 1e-3, `epoch ${i + 1}: ${h.val_loss} vs ${engine.validations[i].val_loss}`));
  assert.equal(replica.test_accuracy, engine.test_accuracy);
});
