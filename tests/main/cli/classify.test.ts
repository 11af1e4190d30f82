import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { addArtifact } from '../../../main/store/artifacts.ts';
import { getJobDetail, listJobs, listResults } from '../../../main/store/jobs.ts';
import { storePath } from '../../../main/store/paths.ts';
import { savePredictions } from '../../../main/store/run-predictions.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';
import { makeTree } from '../data/helpers.ts';

function langlab(args: string[], home: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const LABELS = ['javascript', 'python'];

function model(dir: string, quantize?: 'int8'): string {
  const config = scratchConfig(LABELS.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, 3), labels: LABELS }, { quantize });
  return dir;
}

function tree(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) files[`src/m${i}.py`] = `def f${i}():\n    return ${i} * ${i}\n`;
  for (let i = 0; i < 4; i++) files[`web/w${i}.js`] = `const x${i} = () => ${i};\nexport default x${i};\n`;
  return makeTree(files);
}

/** A finished run in `home`'s store whose export is `model` and whose test predictions put its default threshold at 0.6. */
function runWithModel(home: string): number {
  const store = openStore({ file: storePath(home) });
  const runId = seedFinishedRun(store.db, seedDataset(store.db), 'seeded');
  addArtifact(store.db, runId, 'export', model(path.join(home, 'runs', String(runId), 'model')), 1);
  savePredictions(store.db, runId, [
    { fileIndex: 1, path: 'a.py', trueLabel: 'python', predictedLabel: 'python', top: [{ label: 'python', probability: 0.6 }, { label: 'javascript', probability: 0.4 }] },
    { fileIndex: 2, path: 'b.js', trueLabel: 'javascript', predictedLabel: 'javascript', top: [{ label: 'javascript', probability: 0.95 }, { label: 'python', probability: 0.05 }] },
    { fileIndex: 3, path: 'c.js', trueLabel: 'javascript', predictedLabel: 'python', top: [{ label: 'python', probability: 0.55 }, { label: 'javascript', probability: 0.45 }] },
  ]);
  store.close();
  return runId;
}

type Line = { path: string; label: string; confidence: number; extension_label: string | null; top: { label: string; probability: number }[]; unknown: boolean };

test('--threshold marks the files below it unknown in the JSON lines and the breakdown; outside [0, 1] it is refused', () => {
  const home = tempDir();
  const dir = model(path.join(home, 'model'));
  const root = tree();
  const all = langlab(['classify', dir, root, '--json'], home);
  assert.equal(all.status, 0, all.stderr);
  const lines = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.equal(lines.length, 10);
  assert.ok(lines.every((l) => l.unknown === false), 'a model folder has no threshold of its own: 0');
  assert.deepEqual(Object.keys(lines[0]), ['path', 'label', 'confidence', 'extension_label', 'top', 'unknown'], 'the line keeps its fields and adds unknown');

  const sorted = lines.map((l) => l.confidence).sort((x, y) => x - y);
  const threshold = (sorted[3] + sorted[4]) / 2;
  const r = langlab(['classify', dir, root, '--json', '--threshold', String(threshold)], home);
  assert.equal(r.status, 0, r.stderr);
  const marked = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.deepEqual(marked.filter((l) => l.unknown).map((l) => l.path).sort(), lines.filter((l) => l.confidence < threshold).map((l) => l.path).sort());
  assert.equal(marked.filter((l) => l.unknown).length, 4);
  assert.match(r.stderr, /\(unknown\)\s+4\s+40\.0%\s+\(below the threshold/);

  for (const bad of ['1.5', '-0.2']) {
    const refused = langlab(['classify', dir, root, '--threshold', bad], home);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, new RegExp(`--threshold ${bad} is outside \\[0, 1\\]; give a probability between 0 and 1`));
  }
  assert.match(langlab(['classify', dir, root, '--threshold', 'high'], home).stderr, /--threshold must be a decimal number; got 'high'/);
});

test('--format csv|json writes the export lines; --json and --format together, or another format, are refused', () => {
  const home = tempDir();
  const dir = model(path.join(home, 'model'));
  const root = tree();
  const csv = langlab(['classify', dir, root, '--format', 'csv'], home);
  assert.equal(csv.status, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'path,label,confidence,runner_up,runner_up_confidence,extension_label,bytes,unknown');
  assert.equal(rows.length, 11);
  assert.match(rows.find((l) => l.startsWith('src/m0.py,'))!, /^src\/m0\.py,(python|javascript),[\d.e-]+,(python|javascript),[\d.e-]+,python,\d+,false$/);

  const json = langlab(['classify', dir, root, '--format', 'json'], home);
  assert.equal(json.status, 0, json.stderr);
  const records = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(Object.keys(records[0]), ['path', 'label', 'confidence', 'runner_up', 'runner_up_confidence', 'extension_label', 'bytes', 'unknown']);
  assert.equal(records.length, 10);

  assert.match(langlab(['classify', dir, root, '--format', 'xlsx'], home).stderr, /--format xlsx is not a format; give csv or json/);
  assert.match(langlab(['classify', dir, root, '--format', 'csv', '--json'], home).stderr, /--json and --format both choose the output/);
});

test("--store records the job so the app lists it, at the run's default threshold; without it nothing is stored", () => {
  const home = tempDir();
  const runId = runWithModel(home);
  const root = tree();
  const plain = langlab(['classify', String(runId), root, '--json'], home);
  assert.equal(plain.status, 0, plain.stderr);
  const lines = plain.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  // The run's correct test predictions are at 0.6 and 0.95: its default threshold is 0.6.
  assert.deepEqual(lines.filter((l) => l.unknown).map((l) => l.path).sort(), lines.filter((l) => l.confidence < 0.6).map((l) => l.path).sort());
  let store = openStore({ file: storePath(home) });
  assert.deepEqual(listJobs(store.db), [], 'nothing stored without --store');
  store.close();

  const stored = langlab(['classify', String(runId), root, '--store', '--threshold', '0.5'], home);
  assert.equal(stored.status, 0, stored.stderr);
  assert.match(stored.stderr, /Stored as classification job \d+\./);
  // Piped stderr gets the count once the folder is walked, then a progress line (files done, files/s, time left).
  assert.match(stored.stderr, /^10 files to classify \(0 left out so far\)\.$/m);
  assert.match(stored.stderr, /^ *\d+% \d+ of 10 files {2}(--|\d+) files\/s {2}eta \S+$/m);
  store = openStore({ file: storePath(home) });
  const [job] = listJobs(store.db);
  assert.equal(job.status, 'FINISHED');
  assert.deepEqual([job.runId, job.root, job.threshold, job.filesTotal, job.filesDone], [runId, root, 0.5, 10, 10]);
  const detail = getJobDetail(store.db, job.id)!;
  assert.equal(detail.unknown.files, lines.filter((l) => l.confidence < 0.5).length);
  assert.deepEqual(listResults(store.db, { id: job.id, limit: 100 }).files.map((f) => f.path), lines.map((l) => l.path).sort());
  store.close();
});

test('--int8 classifies with an int8 export; a float folder without a checkpoint to quantize is refused by name', () => {
  const home = tempDir();
  const root = tree();
  const q = langlab(['classify', model(path.join(home, 'q', 'model'), 'int8'), root, '--int8', '--json'], home);
  assert.equal(q.status, 0, q.stderr);
  const lines = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.equal(lines.length, 10);
  assert.ok(lines.every((l) => LABELS.includes(l.label)));
  const floatDir = model(path.join(home, 'f', 'model'));
  const f = langlab(['classify', floatDir, root, '--int8', '--json'], home);
  assert.notEqual(f.status, 0);
  assert.match(f.stderr, /float32 model and .*checkpoints.best holds no checkpoint to quantize/);
  assert.equal(f.stdout, '');
});

test('--float classifies with the float model as a folder without a checkpoint does by default; --int8 with --float is refused', () => {
  const home = tempDir();
  const root = tree();
  const dir = model(path.join(home, 'f', 'model'));
  const byDefault = langlab(['classify', dir, root, '--json'], home);
  const float = langlab(['classify', dir, root, '--json', '--float'], home);
  assert.equal(byDefault.status, 0, byDefault.stderr);
  assert.equal(float.status, 0, float.stderr);
  assert.deepEqual(float.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line), byDefault.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line));
  const both = langlab(['classify', dir, root, '--int8', '--float'], home);
  assert.notEqual(both.status, 0);
  assert.match(both.stderr, /--int8 and --float both choose the precision; give one of them/);
});
