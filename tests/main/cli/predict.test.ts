import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { storePath } from '../../../main/store/paths.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';
import { makeTree } from '../data/helpers.ts';

function langlab(args: string[], home: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('predict classifies many files from an exported folder, one JSON line each', () => {
  const dir = tempDir();
  const model = path.join(dir, 'model');
  const labels = ['javascript', 'python'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(model, { family: 'scratch', config, weights: initScratchWeights(config, 3), labels });
  const files = ['a.py', 'b.js', 'c.py'].map((f, i) => {
    const p = path.join(dir, f);
    fs.writeFileSync(p, i === 1 ? 'const x = () => 1;\n' : `def f${i}():\n    return ${i}\n`);
    return p;
  });
  const r = langlab(['predict', model, ...files, '--top', '2', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.path), files);
  for (const l of lines) {
    assert.equal(l.top.length, 2);
    assert.equal(l.label, l.top[0].label);
    assert.ok(l.top[0].probability >= l.top[1].probability);
    assert.ok(labels.includes(l.label));
  }

  const missing = langlab(['predict', model, files[0], path.join(dir, 'nope.py'), '--json'], dir);
  assert.equal(missing.status, 1);
  const out = missing.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.match(out.find((l) => l.error)!.error, /nope\.py cannot be read \(ENOENT\)/);
  assert.equal(out.filter((l) => l.label).length, 1, 'the readable file is still classified');
});

test('predict --labels answers among the labels given, renormalised, and names a label the model lacks', () => {
  const dir = tempDir();
  const model = path.join(dir, 'model');
  const labels = ['javascript', 'python', 'ruby'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(model, { family: 'scratch', config, weights: initScratchWeights(config, 5), labels });
  const files = ['a.py', 'b.js', 'c.rb', 'd.py'].map((f, i) => {
    const p = path.join(dir, f);
    fs.writeFileSync(p, `x${i} = [${i}, ${i + 1}]\nputs(x${i})\n`);
    return p;
  });
  const all = langlab(['predict', model, ...files, '--top', '3', '--json'], dir);
  assert.equal(all.status, 0, all.stderr);
  const full = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; top: { label: string; probability: number }[] });
  const r = langlab(['predict', model, ...files, '--labels', 'Python, javascript', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; top: { label: string; probability: number }[] });
  lines.forEach((l, i) => {
    assert.deepEqual(l.top.map((t) => t.label).sort(), ['javascript', 'python']);
    assert.equal(l.label, l.top[0].label);
    assert.ok(Math.abs(l.top[0].probability + l.top[1].probability - 1) < 1e-6);
    // The same order as the two labels have in the full ranking, in the same proportion.
    const kept = full[i].top.filter((t) => t.label !== 'ruby');
    assert.equal(l.label, kept[0].label);
    assert.ok(Math.abs(l.top[0].probability / l.top[1].probability - kept[0].probability / kept[1].probability) < 1e-3);
  });
  const unknown = langlab(['predict', model, files[0], '--labels', 'python,cobol'], dir);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /the model has no label "cobol"; its labels are javascript, python, ruby/);
});

test('predict with a run that has no exported model says why', () => {
  const home = tempDir();
  const store = openStore({ file: storePath(home) });
  const runId = seedFinishedRun(store.db, seedDataset(store.db), 'seeded');
  store.close();
  const r = langlab(['predict', String(runId), import.meta.filename], home);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`Run ${runId} has no exported model`));
  assert.match(langlab(['predict', '/no/such/folder', 'x.py'], home).stderr, /neither a run id nor an exported model folder/);
});

test('classify lists every text file under a folder with its label, then the breakdown; --disagreeing keeps the mismatches', () => {
  const home = tempDir();
  const model = path.join(home, 'model');
  const labels = ['javascript', 'python'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(model, { family: 'scratch', config, weights: initScratchWeights(config, 3), labels });
  const root = makeTree({
    'src/a.py': 'def f():\n    return 1\n',
    'src/b.js': 'const x = () => 1;\n',
    'src/notes.txt': 'plain words\n',
    'node_modules/dep/index.js': 'module.exports = 1;\n',
    'blob.bin': Buffer.from([0, 1, 2]),
  });

  const r = langlab(['classify', model, root, '--json'], home);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; label: string; confidence: number; extension_label: string | null; top: { label: string; probability: number }[] });
  assert.deepEqual(lines.map((l) => l.path).sort(), ['src/a.py', 'src/b.js', 'src/notes.txt']);
  const py = lines.find((l) => l.path === 'src/a.py')!;
  assert.equal(py.extension_label, 'python');
  assert.equal(lines.find((l) => l.path === 'src/notes.txt')!.extension_label, null);
  for (const l of lines) {
    assert.ok(labels.includes(l.label));
    assert.equal(l.confidence, l.top[0].probability);
  }
  assert.match(r.stderr, /3 files classified under .*, 2 left out/);

  const only = langlab(['classify', model, root, '--json', '--disagreeing'], home);
  assert.equal(only.status, 0, only.stderr);
  const mismatched = lines.filter((l) => l.extension_label !== null && l.extension_label !== l.label).map((l) => l.path);
  assert.deepEqual(only.stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { path: string }).path), mismatched);

  const notFolder = langlab(['classify', model, path.join(root, 'src/a.py')], home);
  assert.equal(notFolder.status, 2);
  assert.match(notFolder.stderr, /a\.py is not a folder/);
  fs.rmSync(path.join(model, 'langlab-model.json'));
  assert.match(langlab(['classify', model, root], home).stderr, /neither a run id nor an exported model folder/);
});
