import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../../main/store/store.ts';
import { datasetFileSizes, getDatasetFile, listDatasetFiles, readDatasetFileText } from '../../../main/store/dataset-files.ts';
import { saveDataset, saveDatasetInSteps } from '../../../main/store/dataset-save.ts';
import { deleteDataset, getDataset, listDatasets } from '../../../main/store/datasets.ts';
import { getDatasetSummary, listDatasetSummaries } from '../../../main/store/dataset-summaries.ts';
import { removeUnfinishedDatasets } from '../../../main/store/recovery.ts';
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
  // A path search matches any part of the path, in any case, across classes.
  const found = listDatasetFiles(s.db, id, { path: 'F1', limit: 50 });
  assert.deepEqual(found.files.map((f) => f.path).sort(), ['javascript/f1.js', 'javascript/f10.js', 'javascript/f11.js', 'python/f1.py', 'python/f10.py', 'python/f11.py']);
  assert.equal(listDatasetFiles(s.db, id, { path: '%' }).total, 0);
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

/** A table dataset of `n` rows, scanned for real. */
async function tableDataset(n: number) {
  const lines = ['text,label'];
  for (let i = 0; i < n; i++) lines.push(i % 2 ? `"print(${i})",python` : `"console.log(${i})",javascript`);
  return datasetFromTable(path.join(makeTree({ 'd.csv': lines.join('\n') + '\n' }), 'd.csv'));
}

function rowCounts(db: ReturnType<typeof store>['db']) {
  return ['datasets', 'dataset_files', 'dataset_skips', 'dataset_duplicates'].map((t) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
}

test('a stepped save gives the event loop back between steps, hides the dataset until the end and stores what the one-transaction save does', async () => {
  const result = await tableDataset(250);
  const s = store();
  const whole = saveDataset(s.db, result);
  let turns = 0;
  let seenMidway = false;
  const progress: [number, number][] = [];
  // Another task on the event loop: it runs once per turn of the loop, so only between steps.
  let ticking = true;
  const tick = () => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const id = await saveDatasetInSteps(s.db, result, {
    rowsPerStep: 40,
    onProgress: (written, total) => {
      progress.push([written, total]);
      // Until the last row is written, no reader sees the new dataset.
      if (written < total) seenMidway ||= listDatasets(s.db).length !== 1 || getDataset(s.db, whole + 1) !== null;
    },
  });
  ticking = false;
  assert.equal(seenMidway, false);
  assert.ok(progress.length >= 6, `one progress call per step, got ${progress.length}`);
  assert.ok(turns >= progress.length - 1, `the other task ran between steps (${turns} turns, ${progress.length} steps)`);
  const total = progress.at(-1)![1];
  assert.deepEqual(progress.at(-1), [total, total]);
  assert.ok(progress.every(([w], i) => i === 0 || w > progress[i - 1][0]));

  const { id: _a, createdAt: _b, ...a } = getDataset(s.db, whole)!;
  const { id: _c, createdAt: _d, ...b } = getDataset(s.db, id)!;
  assert.deepEqual(b, a);
  assert.deepEqual(listDatasetFiles(s.db, id, { limit: 500 }).files, listDatasetFiles(s.db, whole, { limit: 500 }).files);
  assert.deepEqual(listDatasets(s.db).map((d) => d.id), [id, whole]);
  s.close();
});

test('a stepped save that is cancelled or fails part-way leaves nothing behind', async () => {
  const result = await tableDataset(120);
  const s = store();
  const before = rowCounts(s.db);
  const controller = new AbortController();
  await assert.rejects(
    saveDatasetInSteps(s.db, result, { rowsPerStep: 10, signal: controller.signal, onProgress: (w) => w >= 30 && controller.abort() }),
    (err: Error & { code?: string }) => err.code === 'CANCELLED',
  );
  assert.deepEqual(rowCounts(s.db), before);
  const broken = { ...result, files: [...result.files, { ...result.files[0], split: 'holdout' as never }] };
  await assert.rejects(saveDatasetInSteps(s.db, broken, { rowsPerStep: 10 }), /CHECK constraint/);
  assert.deepEqual(rowCounts(s.db), before);
  s.close();
});

test('rows left by a save whose process died are removed when the app opens the store; a live saver keeps its own', async () => {
  const result = await tableDataset(30);
  const s = store();
  const kept = saveDataset(s.db, result);
  const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default, so no such process
  const partial = (pid: number, host: string) => {
    const id = saveDataset(s.db, result);
    s.db.prepare('UPDATE datasets SET saving_pid = ?, saving_host = ? WHERE id = ?').run(pid, host, id);
    return id;
  };
  const crashed = partial(deadPid, os.hostname());
  const live = partial(process.ppid, os.hostname());
  // Hidden from readers while marked as being saved.
  assert.equal(getDataset(s.db, crashed), null);
  assert.deepEqual(listDatasets(s.db).map((d) => d.id), [kept]);
  const file = s.file;
  s.close();

  const reopened = openStore({ file, recoverCrashed: true });
  const ids = (reopened.db.prepare('SELECT id FROM datasets ORDER BY id').pluck().all() as number[]);
  assert.deepEqual(ids, [kept, live]);
  assert.equal(reopened.db.prepare('SELECT count(*) FROM dataset_files WHERE dataset_id = ?').pluck().get(crashed), 0);
  assert.equal(removeUnfinishedDatasets(reopened.db), 0);
  reopened.close();
});
