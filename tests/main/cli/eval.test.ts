import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { addArtifact } from '../../../main/store/artifacts.ts';
import { listDatasetEvaluations } from '../../../main/store/evaluations.ts';
import { storePath } from '../../../main/store/paths.ts';
import { getRun } from '../../../main/store/runs.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

function langlab(args: string[], home: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A store with a finished run whose exported (untrained) model knows java, json and python. */
function homeWithModel(): { home: string; runId: number } {
  const home = tempDir();
  const store = openStore({ file: storePath(home) });
  const runId = seedFinishedRun(store.db, seedDataset(store.db), 'seeded');
  const rel = path.join('artifacts', 'runs', String(runId), 'model');
  const config = scratchConfig(3, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(path.join(home, rel), { family: 'scratch', config, weights: initScratchWeights(config, 2), labels: ['java', 'json', 'python'] });
  addArtifact(store.db, runId, 'export', rel, 1);
  store.close();
  return { home, runId };
}

function folder(classes: Record<string, number>): string {
  const files: Record<string, string> = {};
  for (const [label, n] of Object.entries(classes)) for (let i = 0; i < n; i++) files[`${label}/f${i}`] = label === 'python' ? pySource(i) : `${jsSource(i)}// ${label}\n`;
  return makeTree(files);
}

test('eval --dataset <folder> adds the folder, evaluates the run on all its files and prints the report with the labels the model lacks', () => {
  const { home, runId } = homeWithModel();
  const before = langlab(['eval', String(runId), '--json'], home);
  assert.equal(before.status, 0, before.stderr);
  const data = folder({ python: 8, javascript: 5 });

  const r = langlab(['eval', String(runId), '--dataset', data, '--json'], home);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Added dataset \d+/);
  const out = JSON.parse(r.stdout);
  assert.equal(out.run_id, runId);
  assert.equal(out.split, 'all');
  assert.deepEqual(out.labels, ['java', 'json', 'python']);
  assert.equal(out.files, 13);
  assert.equal(out.macro_avg.support, 8, 'only the python files have a label the model knows');
  assert.equal(out.dataset.name, path.basename(data));
  assert.equal(out.unknown_labels.length, 1);
  assert.equal(out.unknown_labels[0].label, 'javascript');
  assert.equal(out.unknown_labels[0].files, 5);
  assert.equal(Object.values(out.unknown_labels[0].predicted as Record<string, number>).reduce((n, v) => n + v, 0), 5);
  assert.equal(out.confusion_matrix.length, 3);

  // The same folder again reuses its dataset; the text report names the labels the model lacks.
  const again = langlab(['eval', String(runId), '--dataset', data, '--split', 'test'], home);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`Using dataset ${out.dataset.id}`));
  assert.match(again.stdout, /test split/);
  assert.match(again.stdout, /macro avg/);

  // Without --dataset: the stored test report, as before.
  assert.equal(langlab(['eval', String(runId), '--json'], home).stdout, before.stdout);
  const store = openStore({ file: storePath(home) });
  assert.equal(listDatasetEvaluations(store.db, [runId]).length, 2);
  assert.equal(getRun(store.db, runId).evaluations.length, 1);
  store.close();
});

test('eval --dataset refuses a dataset with no label in common and a run without a model, storing nothing', () => {
  const { home, runId } = homeWithModel();
  const data = folder({ ruby: 3, go: 3 });
  const r = langlab(['eval', String(runId), '--dataset', data], home);
  assert.equal(r.status, 2, 'a bad argument');
  assert.match(r.stderr, /has no label in common with the model of run \d+ \(seeded\): the dataset has go, ruby; the model knows java, json, python/);

  const store = openStore({ file: storePath(home) });
  const bare = seedFinishedRun(store.db, seedDataset(store.db), 'bare');
  store.close();
  const noModel = langlab(['eval', String(bare), '--dataset', folder({ python: 3, json: 3 })], home);
  assert.equal(noModel.status, 1);
  assert.match(noModel.stderr, new RegExp(`Run ${bare} has no exported model .*can be evaluated on a dataset`));
  assert.match(langlab(['eval', String(runId), '--dataset', data, '--split', 'some'], home).stderr, /--split must be one of all, train, validation, test/);
  assert.match(langlab(['eval', String(runId), '--split', 'test'], home).stderr, /give --dataset too/);

  const after = openStore({ file: storePath(home) });
  assert.deepEqual(listDatasetEvaluations(after.db, [runId, bare]), []);
  after.close();
});
