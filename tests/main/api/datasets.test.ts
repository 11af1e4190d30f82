import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { DatasetFullReport, DatasetHeaderInfo, DatasetReportInfo, Events, ScanJobInfo } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

function backend(): Backend {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir() });
  return b;
}

/** Every event the backend sends, and a way to wait for one that matches. */
function recorder(b: Backend) {
  const seen: { name: keyof Events; payload: unknown }[] = [];
  const waiters: { match: (name: keyof Events, payload: unknown) => boolean; resolve: (payload: unknown) => void }[] = [];
  b.events.subscribe((name, payload) => {
    seen.push({ name, payload });
    for (const w of [...waiters]) {
      if (w.match(name, payload)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(payload);
      }
    }
  });
  const taskEnd = (jobId: string) =>
    new Promise<ScanJobInfo>((resolve) => {
      const match = (name: keyof Events, p: unknown) => name === 'job.progress' && (p as ScanJobInfo).jobId === jobId && (p as ScanJobInfo).status !== 'running';
      const done = seen.find((e) => match(e.name, e.payload));
      if (done) resolve(done.payload as ScanJobInfo);
      else waiters.push({ match, resolve: (p) => resolve(p as ScanJobInfo) });
    });
  const next = (match: (name: keyof Events, payload: unknown) => boolean) => new Promise<unknown>((resolve) => waiters.push({ match, resolve }));
  return { seen, taskEnd, next };
}

function classTree(perClass: number): string {
  const files: Record<string, string> = { 'python/empty.py': '', 'java/README': 'x'.repeat(10) + '\0' };
  for (let i = 0; i < perClass; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
    files[`java/F${i}.java`] = `public class F${i} {\n  public static int twice(int v) { return v * ${i + 2}; }\n  // ${'padding '.repeat(i)}\n}\n`;
  }
  return makeTree(files);
}

test('paths are checked before any scan starts, with errors that name the path', async () => {
  const b = backend();
  try {
    const root = makeTree({ 'only/a.py': 'x = 1\n', 'table.csv': 'text,label\n', 'empty.csv': '' });
    const missing = await failure(b, 'datasets.add', { kind: 'folder', path: path.join(root, 'nope') });
    assert.equal(missing.code, 'NOT_FOUND');
    assert.match(missing.message, new RegExp(`${path.join(root, 'nope')} does not exist`));

    const fileAsFolder = await failure(b, 'datasets.add', { kind: 'folder', path: path.join(root, 'table.csv') });
    assert.match(fileAsFolder.message, /table\.csv is a file, but a folder was expected/);
    const folderAsFile = await failure(b, 'datasets.add', { kind: 'csv', path: root });
    assert.match(folderAsFile.message, /is not a regular file; a CSV or JSONL file was expected/);
    const emptyCsv = await failure(b, 'datasets.add', { kind: 'csv', path: path.join(root, 'empty.csv') });
    assert.match(emptyCsv.message, /empty\.csv is empty/);
    const oneClass = await failure(b, 'datasets.add', { kind: 'folder', path: root });
    assert.match(oneClass.message, /single class sub-folder \('only'\)/);
    const fractions = await failure(b, 'datasets.add', { kind: 'folder', path: root, testFraction: 0.6, validationFraction: 0.5 });
    assert.match(fractions.message, /leave some files for training/);
    const buildFromFile = await failure(b, 'datasets.build', { roots: [path.join(root, 'table.csv')] });
    assert.match(buildFromFile.message, /table\.csv is a file, but a folder was expected/);
    const twice = await failure(b, 'datasets.build', { roots: [root, root + '/'] });
    assert.match(twice.message, /listed twice/);

    const picker = await failure(b, 'system.pickPath', { kind: 'folder' });
    assert.equal(picker.code, 'NOT_AVAILABLE');
    assert.deepEqual(await ok(b, 'jobs.list', {}), []);
  } finally {
    b.close();
  }
});

test('a folder scan runs in a worker with progress, is saved, and its report and files are served in pages', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    const root = classTree(30);
    const task = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'folder', path: root, name: 'three', seed: 7 });
    assert.equal(task.status, 'running');
    assert.equal((await ok<ScanJobInfo[]>(b, 'jobs.list', {}))[0].jobId, task.jobId);
    const end = await events.taskEnd(task.jobId);
    assert.equal(end.status, 'done', end.error ?? '');
    assert.equal(typeof end.resultId, 'number');
    const phases = events.seen.filter((e) => e.name === 'job.progress').map((e) => (e.payload as ScanJobInfo).phase);
    for (const phase of ['start', 'walk', 'save', 'done']) assert.ok(phases.includes(phase as ScanJobInfo['phase']), `phase ${phase} in ${phases}`);
    assert.ok(events.seen.some((e) => e.name === 'store.changed' && (e.payload as Events['store.changed']).what === 'datasets'));

    const id = end.resultId!;
    const report = await ok<DatasetReportInfo>(b, 'datasets.get', { id });
    assert.equal(report.name, 'three');
    assert.equal(report.sourceKind, 'folder');
    assert.equal(report.source, root);
    assert.deepEqual(report.classes.map((c) => [c.label, c.files]).sort(), [['java', 30], ['javascript', 30], ['python', 30]]);
    assert.deepEqual(report.skipped.map((s) => [s.reason, s.count]), [['empty', 1], ['nul-byte', 1]]);
    const { edges, counts } = report.lengthHistogram;
    assert.ok(edges.length >= 2 && edges.every((e, i) => i === 0 || e === edges[i - 1] * 2), `log-spaced edges ${edges}`);
    for (const c of report.classes) assert.equal(counts[c.label].reduce((a, n) => a + n, 0), c.files);

    const first = await ok<{ total: number; files: { index: number; label: string; path: string }[] }>(b, 'datasets.files', { id, label: 'python', limit: 20 });
    assert.equal(first.total, 30);
    assert.equal(first.files.length, 20);
    const second = await ok<{ files: { index: number }[] }>(b, 'datasets.files', { id, label: 'python', offset: 20, limit: 20 });
    assert.equal(second.files.length, 10);
    assert.ok(first.files.every((f) => f.label === 'python' && !('root' in f)));
    const tooBig = await failure(b, 'datasets.files', { id, limit: 5000 });
    assert.equal(tooBig.code, 'INVALID_ARGUMENT');

    const file = await ok<{ text: string; highlight: string | null; path: string }>(b, 'datasets.fileText', { id, index: first.files[0].index });
    assert.equal(file.text, fs.readFileSync(path.join(root, file.path), 'utf8'));
    assert.equal(file.highlight, 'python');
    const outOfRange = await failure(b, 'datasets.fileText', { id, index: 90 });
    assert.equal(outOfRange.code, 'NOT_FOUND');
    assert.equal((await failure(b, 'datasets.fileText', { id: id + 1, index: 0 })).code, 'NOT_FOUND');
    assert.equal((await failure(b, 'datasets.fileText', { id, index: -1 })).code, 'INVALID_ARGUMENT');

    // The whole report, unpaged, and the headers: what the command line prints.
    const whole = await ok<DatasetFullReport>(b, 'datasets.fullReport', { id });
    assert.equal(whole.kind, 'folder');
    assert.deepEqual(whole.roots, [root]);
    assert.equal(whole.fingerprint, report.fingerprint);
    assert.deepEqual(whole.skipped.map((s) => [s.reason, s.count, s.files.length]), [['empty', 1, 1], ['nul-byte', 1, 1]]);
    assert.deepEqual(whole.projects, report.projects);
    const headers = await ok<DatasetHeaderInfo[]>(b, 'datasets.headers', {});
    assert.deepEqual(headers.map((h) => [h.id, h.name, 'skipped' in h]), [[id, 'three', false]]);

    assert.deepEqual(await ok(b, 'datasets.delete', { id }), { id });
    assert.equal((await failure(b, 'datasets.get', { id })).code, 'NOT_FOUND');
    assert.equal((await failure(b, 'datasets.delete', { id })).code, 'NOT_FOUND');
  } finally {
    b.close();
  }
});

test('a cancelled scan stops in its worker and saves nothing', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    const root = classTree(2500);
    const walking = events.next((name, p) => name === 'job.progress' && (p as ScanJobInfo).phase === 'walk');
    const task = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'folder', path: root });
    await walking;
    await ok(b, 'jobs.cancel', { jobId: task.jobId });
    const end = await events.taskEnd(task.jobId);
    assert.equal(end.status, 'cancelled');
    assert.equal(end.resultId, null);
    assert.deepEqual(await ok(b, 'datasets.list', {}), []);
    assert.equal(b.store.db.prepare('SELECT count(*) FROM dataset_files').pluck().get(), 0);
    assert.ok(!events.seen.some((e) => e.name === 'store.changed'));
    assert.equal((await ok<ScanJobInfo[]>(b, 'jobs.list', {}))[0].status, 'cancelled');
    assert.equal((await failure(b, 'jobs.cancel', { jobId: 'no-such-task' })).code, 'NOT_FOUND');
  } finally {
    b.close();
  }
});

test('a scan that fails in its worker ends the task with the reason; a table and a repository build work too', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    const root = makeTree({
      'ragged.csv': 'text,label\n"a = 1",python,extra\n',
      'good.jsonl': Array.from({ length: 12 }, (_, i) => JSON.stringify({ text: i % 2 ? pySource(i) : jsSource(i), label: i % 2 ? 'python' : 'javascript' })).join('\n') + '\n',
      ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [[`repo/proj${i % 3}/m${i}.py`, pySource(i + 100)], [`repo/proj${i % 3}/m${i}.js`, jsSource(i + 100)]]).flat()),
    });
    const bad = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'csv', path: path.join(root, 'ragged.csv') });
    const failed = await events.taskEnd(bad.jobId);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /ragged\.csv/);

    const table = await events.taskEnd((await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'jsonl', path: path.join(root, 'good.jsonl') })).jobId);
    assert.equal(table.status, 'done', table.error ?? '');
    const tableText = await ok<{ text: string; highlight: string | null }>(b, 'datasets.fileText', { id: table.resultId, index: 0 });
    assert.ok(tableText.text.length > 0);

    const build = await events.taskEnd((await ok<ScanJobInfo>(b, 'datasets.build', { roots: [path.join(root, 'repo')], minFiles: 5, cap: 10 })).jobId);
    assert.equal(build.status, 'done', build.error ?? '');
    const report = await ok<DatasetReportInfo>(b, 'datasets.get', { id: build.resultId });
    assert.deepEqual(report.classes.map((c) => [c.label, c.files]).sort(), [['JavaScript', 10], ['Python', 10]]);
    const js = await ok<{ files: { index: number }[] }>(b, 'datasets.files', { id: build.resultId, label: 'JavaScript', limit: 1 });
    assert.equal((await ok<{ highlight: string | null }>(b, 'datasets.fileText', { id: build.resultId, index: js.files[0].index })).highlight, 'javascript');
    // languages reaches the scan: a name Linguist lacks fails the build with the name.
    const kept = await events.taskEnd((await ok<ScanJobInfo>(b, 'datasets.build', { roots: [path.join(root, 'repo')], minFiles: 5, languages: ['Python', 'Klingon'] })).jobId);
    assert.equal(kept.status, 'failed');
    assert.match(kept.error ?? '', /'Klingon' is not a language in GitHub Linguist's table/);
  } finally {
    b.close();
  }
});

test('a dataset row without files (made before file lists were stored) still has a report', async () => {
  const b = backend();
  try {
    const id = seedDataset(b.store.db, 'old');
    const report = await ok<DatasetReportInfo>(b, 'datasets.get', { id });
    assert.deepEqual(report.lengthHistogram.edges, []);
    assert.deepEqual(report.lengthHistogram.counts.python, []);
    assert.deepEqual((await ok<{ total: number }>(b, 'datasets.files', { id })).total, 0);
  } finally {
    b.close();
  }
});

test('long lists come as a first page with the report, and the rest is paged', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`python/empty${String(i).padStart(3, '0')}.py`] = ' \n';
    for (let i = 0; i < 12; i++) files[`python/ok${i}.py`] = pySource(i);
    // Thirty copies of one function that differ only in a comment land on both sides of the split many times over.
    for (let i = 0; i < 30; i++) {
      files[`javascript/near${i}.js`] =
        `// revision ${i}\nexport function total(orders) {\n  const sum = orders.reduce((acc, item) => acc + item.price * item.count, 0);\n` +
        `  const names = orders.map((item) => item.name.trim().toLowerCase());\n  return { sum, names, size: orders.length };\n}\n`;
    }
    const task = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'folder', path: makeTree(files) });
    const end = await events.taskEnd(task.jobId);
    assert.equal(end.status, 'done', end.error ?? '');
    const id = end.resultId!;
    const report = await ok<DatasetReportInfo>(b, 'datasets.get', { id });
    const empty = report.skipped.find((s) => s.reason === 'empty')!;
    assert.deepEqual([empty.count, empty.listed, empty.files.length], [150, 150, 100]);
    const rest = await ok<{ total: number; files: string[] }>(b, 'datasets.skippedFiles', { id, reason: 'empty', offset: 100, limit: 100 });
    assert.equal(rest.total, 150);
    assert.deepEqual([...empty.files, ...rest.files], Array.from({ length: 150 }, (_, i) => `python/empty${String(i).padStart(3, '0')}.py`));

    assert.ok(report.nearDuplicatesListed > 100, `${report.nearDuplicatesListed} pairs`);
    assert.equal(report.nearDuplicates.length, 100);
    const pairs = await ok<{ total: number; pairs: { similarity: number; aSplit: string; bSplit: string }[] }>(b, 'datasets.nearDuplicates', { id, offset: 100, limit: 1000 });
    assert.equal(pairs.total, report.nearDuplicatesListed);
    assert.equal(pairs.pairs.length, report.nearDuplicatesListed - 100);
    assert.ok(pairs.pairs.every((p) => p.aSplit !== p.bSplit));
    assert.ok(pairs.pairs[0].similarity <= report.nearDuplicates[99].similarity, 'most similar first');
    assert.equal((await failure(b, 'datasets.skippedFiles', { id: id + 1, reason: 'empty' })).code, 'NOT_FOUND');
  } finally {
    b.close();
  }
});

test('duplicate groups and conflicts beyond the first 200 come in pages, with their totals in the report', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) {
      files[`python/ok${i}.py`] = pySource(i);
      files[`javascript/ok${i}.js`] = jsSource(i);
    }
    // 205 groups of copies (every fifth with two extra copies) and 203 contents under two labels.
    for (let i = 0; i < 205; i++) {
      const text = `def copy_${i}():\n    return ${i} * ${i + 1}\n`;
      for (let k = 0; k < (i % 5 === 0 ? 3 : 2); k++) files[`python/dup${i}-${k}.py`] = text;
    }
    for (let i = 0; i < 203; i++) {
      const text = `value_${i} = ${i * 7};\n`;
      files[`python/conflict${i}.py`] = text;
      files[`javascript/conflict${i}.js`] = text;
    }
    const task = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'folder', path: makeTree(files) });
    const end = await events.taskEnd(task.jobId);
    assert.equal(end.status, 'done', end.error ?? '');
    const id = end.resultId!;
    const report = await ok<DatasetReportInfo>(b, 'datasets.get', { id });
    assert.deepEqual([report.duplicatesListed, report.duplicates.length, report.duplicatesDropped], [205, 200, 205 + 41]);
    assert.deepEqual([report.conflictsListed, report.conflicts.length], [203, 200]);

    const groups = await ok<{ total: number; groups: { kept: string; dropped: string[] }[] }>(b, 'datasets.duplicates', { id, offset: 200, limit: 200 });
    assert.equal(groups.total, 205);
    const all = [...report.duplicates, ...groups.groups];
    assert.equal(new Set(all.map((g) => g.kept)).size, 205, 'every group once, none repeated across pages');
    assert.equal(all.reduce((n, g) => n + g.dropped.length, 0), report.duplicatesDropped);
    const conflicts = await ok<{ total: number; conflicts: { sha256: string; files: { label: string }[] }[] }>(b, 'datasets.conflicts', { id, offset: 200 });
    assert.equal(conflicts.total, 203);
    assert.equal(new Set([...report.conflicts, ...conflicts.conflicts].map((c) => c.sha256)).size, 203);
    assert.ok(conflicts.conflicts.every((c) => new Set(c.files.map((f) => f.label)).size === 2));
    assert.equal((await failure(b, 'datasets.duplicates', { id: id + 1 })).code, 'NOT_FOUND');
    assert.equal((await failure(b, 'datasets.conflicts', { id, limit: 5000 })).code, 'INVALID_ARGUMENT');
  } finally {
    b.close();
  }
});

test('a folder with <class>/<project>/ folders is split by project; the report counts projects per class and split, and names a class with too few', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) {
      files[`python/repo${i % 8}/m${i}.py`] = pySource(i);
      files[`javascript/only-one/f${i}.js`] = jsSource(i);
    }
    const task = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'folder', path: makeTree(files), name: 'projects' });
    const end = await events.taskEnd(task.jobId);
    assert.equal(end.status, 'done', end.error ?? '');
    const report = await ok<DatasetReportInfo>(b, 'datasets.get', { id: end.resultId! });
    assert.equal(report.splitKind, 'mixed');
    const python = report.projects.find((c) => c.label === 'python')!;
    assert.equal(python.split, 'project');
    assert.equal(python.projects, 8);
    assert.equal(python.bySplit.train + python.bySplit.validation + python.bySplit.test, 8, 'each project is in exactly one split');
    assert.ok(python.bySplit.test >= 1 && python.bySplit.validation >= 1);
    assert.equal(python.largest?.share, 5 / 40);
    const javascript = report.projects.find((c) => c.label === 'javascript')!;
    assert.deepEqual([javascript.split, javascript.projects, javascript.largest], ['file', 1, { project: 'only-one', share: 1 }]);
    const page = await ok<{ files: { project: string | null }[] }>(b, 'datasets.files', { id: end.resultId!, label: 'python', limit: 1 });
    assert.match(page.files[0].project ?? '', /^repo\d$/);
    const list = await ok<{ id: number; splitKind: string }[]>(b, 'datasets.list', {});
    assert.equal(list.find((d) => d.id === end.resultId)?.splitKind, 'mixed');
  } finally {
    b.close();
  }
});

test('a project with files in two splits is counted per class: none in a new split, some in a split stored before projects were held out across classes', async () => {
  const b = backend();
  const events = recorder(b);
  try {
    // Six projects each have Python and JavaScript files; the split keeps each one whole.
    const files: Record<string, string> = {};
    for (let i = 0; i < 48; i++) {
      files[`python/repo${i % 6}/m${i}.py`] = pySource(i);
      files[`javascript/repo${i % 6}/f${i}.js`] = jsSource(i);
    }
    const task = await ok<ScanJobInfo>(b, 'datasets.add', { kind: 'folder', path: makeTree(files), name: 'shared projects' });
    const end = await events.taskEnd(task.jobId);
    assert.equal(end.status, 'done', end.error ?? '');
    const id = end.resultId!;
    const fresh = await ok<DatasetReportInfo>(b, 'datasets.get', { id });
    assert.deepEqual(fresh.projects.map((c) => [c.label, c.split, c.acrossSplits]), [['javascript', 'project', 0], ['python', 'project', 0]]);

    // As the old split did: one test project's JavaScript files moved to training, its Python files left in test.
    const db = b.store.db;
    const project = db.prepare(`SELECT project FROM dataset_files WHERE dataset_id = ? AND split = 'test' LIMIT 1`).pluck().get(id) as string;
    db.prepare(`UPDATE dataset_files SET split = 'train' WHERE dataset_id = ? AND project = ? AND label = 'javascript'`).run(id, project);
    const old = await ok<DatasetReportInfo>(b, 'datasets.get', { id });
    assert.deepEqual(old.projects.map((c) => [c.label, c.acrossSplits]), [['javascript', 1], ['python', 1]]);
    const full = await ok<DatasetFullReport>(b, 'datasets.fullReport', { id });
    assert.deepEqual(full.projects.map((c) => c.acrossSplits), [1, 1]);
  } finally {
    b.close();
  }
});
