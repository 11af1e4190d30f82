import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../../main/store/store.ts';
import { datasetFileSizes, deleteDataset, getDataset, getDatasetFile, listDatasetFiles, listDatasets, readDatasetFileText, saveDataset } from '../../../main/store/datasets.ts';
import { getDatasetSummary, listDatasetSummaries } from '../../../main/store/dataset-summaries.ts';
import { datasetFromFolder } from '../../../main/data/from-folder.ts';
import { datasetFromTable } from '../../../main/data/from-table.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

function store() {
  return openStore({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-store-')), 'langlab.db') });
}

test('a saved dataset reads back with its report, paged files and file texts', async () => {
  const files: Record<string, string> = { 'python/empty.py': '' };
  for (let i = 0; i < 12; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  const root = makeTree(files);
  const odd = Buffer.concat([Buffer.from(path.join(root, 'python', 'odd')), Buffer.from([0xff]), Buffer.from('.py')]);
  fs.writeFileSync(odd, pySource(77));
  const result = await datasetFromFolder(root);
  const s = store();
  const id = saveDataset(s.db, result);
  const report = getDataset(s.db, id)!;
  assert.equal(report.fingerprint, result.fingerprint);
  assert.deepEqual(report.classes, result.classes);
  assert.deepEqual(report.skipped, result.skipped);
  assert.equal(listDatasets(s.db)[0].id, id);

  const page = listDatasetFiles(s.db, id, { label: 'python', offset: 5, limit: 4 });
  assert.equal(page.total, 13);
  assert.equal(page.files.length, 4);
  assert.ok(page.files.every((f) => f.label === 'python'));
  const fifth = getDatasetFile(s.db, id, 5)!;
  assert.deepEqual(fifth, { index: 5, root: 0, path: result.files[5].path, label: result.files[5].label, split: result.files[5].split, size: result.files[5].size, sha256: result.files[5].sha256 });
  assert.equal(getDatasetFile(s.db, id, result.files.length), null);
  const sizes = [...datasetFileSizes(s.db, id)];
  assert.equal(sizes.length, result.files.length);
  assert.equal(sizes.reduce((n, f) => n + f.size, 0), result.classes.reduce((n, c) => n + c.bytes, 0));
  const summary = getDatasetSummary(s.db, id)!;
  assert.deepEqual(summary, listDatasetSummaries(s.db)[0]);
  assert.equal(summary.source, root);
  assert.equal(summary.sourceKind, 'folder');
  const oddIndex = result.files.findIndex((f) => f.pathBytes);
  assert.equal(await readDatasetFileText(s.db, id, oddIndex), pySource(77));

  fs.writeFileSync(path.join(root, result.files[0].path), 'changed = True\n');
  await assert.rejects(readDatasetFileText(s.db, id, 0), /changed since dataset/);
  assert.equal(deleteDataset(s.db, id), true);
  assert.equal(getDataset(s.db, id), null);
  assert.equal(s.db.prepare('SELECT count(*) FROM dataset_files').pluck().get(), 0);
  s.close();
});

test('table texts are stored; a failure while saving leaves no dataset behind', async () => {
  const csv = path.join(makeTree({ 'd.csv': 'text,label\n"print(1)",python\n"console.log(2)",javascript\n' }), 'd.csv');
  const result = await datasetFromTable(csv);
  const s = store();
  const id = saveDataset(s.db, result);
  const py = result.files.findIndex((f) => f.label === 'python');
  assert.equal(await readDatasetFileText(s.db, id, py), 'print(1)');
  const broken = { ...result, files: [...result.files, { ...result.files[0], split: 'holdout' as never }] };
  assert.throws(() => saveDataset(s.db, broken));
  assert.equal(listDatasets(s.db).length, 1);
  s.close();
});
