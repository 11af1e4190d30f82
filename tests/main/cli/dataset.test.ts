import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { storePath } from '../../../main/store/paths.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

// Runs the command in a child process, as a user would, against a temp data folder.
function langlab(args: string[], home: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), 'dataset', ...args, '--home', home], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('dataset add, show and list print the JSON the interface promises', () => {
  const files: Record<string, string> = { 'python/empty.py': '' };
  for (let i = 0; i < 10; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  const root = makeTree(files);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-cli-'));
  const add = langlab(['add', root, '--name', 'demo', '--json'], home);
  assert.equal(add.status, 0, add.stderr);
  const report = JSON.parse(add.stdout);
  assert.equal(report.name, 'demo');
  assert.deepEqual(report.classes.map((c: { label: string; files: number }) => [c.label, c.files]), [['javascript', 10], ['python', 10]]);
  assert.deepEqual(report.splits, { train: 14, validation: 2, test: 4 });
  assert.deepEqual(report.skipped, [{ reason: 'empty', count: 1, files: ['python/empty.py'] }]);
  for (const key of ['id', 'duplicates', 'conflicts', 'nearDuplicates', 'fingerprint']) assert.ok(key in report, key);

  const show = JSON.parse(langlab(['show', String(report.id), '--json'], home).stdout);
  assert.equal(show.fingerprint, report.fingerprint);
  const list = JSON.parse(langlab(['list', '--json'], home).stdout);
  assert.deepEqual(list.map((d: { id: number }) => d.id), [report.id]);
});

test('dataset show warns, per class, of projects with files in more than one split', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 36; i++) {
    files[`python/repo${i % 6}/m${i}.py`] = pySource(i);
    files[`javascript/repo${i % 6}/f${i}.js`] = jsSource(i);
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-cli-'));
  const add = langlab(['add', makeTree(files), '--json'], home);
  assert.equal(add.status, 0, add.stderr);
  const { id } = JSON.parse(add.stdout) as { id: number };
  assert.doesNotMatch(langlab(['show', String(id)], home).stdout, /more than one split/, 'a new split keeps every project whole');

  // A split as the app stored it before 2026-12-05: a test project's JavaScript files in training.
  const db = new Database(storePath(home));
  const project = db.prepare(`SELECT project FROM dataset_files WHERE dataset_id = ? AND split = 'test' LIMIT 1`).pluck().get(id);
  db.prepare(`UPDATE dataset_files SET split = 'train' WHERE dataset_id = ? AND project = ? AND label = 'javascript'`).run(id, project);
  db.close();
  const shown = langlab(['show', String(id)], home).stdout;
  assert.match(shown, /javascript: 6 \(\d\/\d\/\d, 1 in more than one split\)/);
  assert.match(shown, /warning: projects with files in more than one split \(javascript 1, python 1\).*add its folder again/);
});

test('bad input exits non-zero with a readable message and saves nothing', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-cli-'));
  const missing = langlab(['add', '/nonexistent/folder'], home);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /does not exist/);
  const single = langlab(['add', makeTree({ 'python/a.py': pySource(1) })], home);
  assert.match(single.stderr, /single class sub-folder/);
  const usage = langlab(['build', '--cap', 'many', '/tmp'], home);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--cap must be a whole number/);
  assert.deepEqual(JSON.parse(langlab(['list', '--json'], home).stdout), []);
});
