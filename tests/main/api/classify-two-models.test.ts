// A classification job with two runs' models: each file is classified by both (the same answers
// each model gives alone), both predictions are stored, the comparison is over the labels both
// have, the disagreements are paged, filtered and sorted in SQL, and bad pairs are refused before
// anything is stored.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ClassificationComparison, ClassificationJobSummary, ClassifiedFileInfo } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { EXPORT_FILES } from '../../../main/engine/export/manifest.ts';
import { exportedRun, pyJsTree } from '../../helpers/exported-run.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { tempDir } from '../../helpers/temp.ts';

const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

function backend(): { b: Backend; datasetId: number } {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir() });
  backends.push(b);
  return { b, datasetId: seedDataset(b.store.db) };
}

/** Resolves once the job has ended, from its own store.changed events. */
function ended(b: Backend, id: number): Promise<ClassificationJobSummary> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = async () => {
      const job = await ok<ClassificationJobSummary>(b, 'classify.job', { id });
      if (job.status !== 'RUNNING' && !done) {
        done = true;
        off();
        resolve(job);
      }
    };
    const off = b.events.subscribe((name, p) => {
      if (name === 'store.changed' && (p as { what: string; id?: number }).what === 'jobs' && (p as { id?: number }).id === id) check().catch(reject);
    });
    check().catch(reject);
  });
}

async function allResults(b: Backend, id: number): Promise<ClassifiedFileInfo[]> {
  return (await ok<{ files: ClassifiedFileInfo[] }>(b, 'classify.results', { id, limit: 1000 })).files;
}

function repo(): string {
  return pyJsTree(30, { 'bin/tool': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]) });
}

test('two runs with different label sets: both predictions per file, compared over the shared labels, disagreements paged in SQL', async () => {
  const { b, datasetId } = backend();
  const db = b.store.db;
  const a = exportedRun(db, b.dataDir, { name: 'three labels', datasetId, labels: ['java', 'javascript', 'python'], seed: 5 });
  const c = exportedRun(db, b.dataDir, { name: 'with ruby', datasetId, labels: ['javascript', 'python', 'ruby'], seed: 7 });
  const root = repo();

  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId: a.runId, secondRunId: c.runId, root, threshold: 0 });
  assert.deepEqual(started.second, { runId: c.runId, runName: 'with ruby', modelPath: c.modelDir });
  const job = await ended(b, started.id);
  assert.equal(job.status, 'FINISHED', job.error ?? '');
  assert.equal(job.filesDone, 61);

  // Each model answers what it answers alone, in a one-model job of its own.
  const [aloneA, aloneC] = await Promise.all(
    [a.runId, c.runId].map(async (runId) => {
      const one = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root, threshold: 0 });
      assert.equal((await ended(b, one.id)).status, 'FINISHED');
      assert.equal(one.second, null);
      return new Map((await allResults(b, one.id)).map((f) => [f.path, f]));
    }),
  );
  const both = await allResults(b, started.id);
  assert.equal(both.length, 60);
  const shared = new Set(['javascript', 'python']);
  for (const f of both) {
    assert.ok(f.second, `${f.path} has the second model's prediction`);
    assert.equal(f.label, aloneA.get(f.path)!.label, f.path);
    assert.equal(f.second.label, aloneC.get(f.path)!.label, f.path);
    assert.ok(Math.abs(f.second.confidence - aloneC.get(f.path)!.confidence) < 1e-5);
    const expected = shared.has(f.label) && shared.has(f.second.label) ? f.label === f.second.label : null;
    assert.equal(f.second.agree, expected, f.path);
  }

  const cmp = await ok<ClassificationComparison>(b, 'classify.comparison', { id: started.id });
  assert.deepEqual([cmp.shared, cmp.onlyA, cmp.onlyB], [['javascript', 'python'], ['java'], ['ruby']]);
  assert.deepEqual([cmp.a.runName, cmp.b.runName], ['three labels', 'with ruby']);
  const count = (pred: (f: ClassifiedFileInfo) => boolean) => both.filter(pred).length;
  assert.equal(cmp.disagreements, count((f) => f.second!.agree === false));
  assert.equal(cmp.compared, count((f) => f.second!.agree !== null));
  assert.equal(cmp.outsideShared, count((f) => f.second!.agree === null));
  assert.equal(cmp.compared + cmp.outsideShared, 60);
  for (const side of ['a', 'b'] as const) {
    assert.equal(cmp[side].breakdown.reduce((n, r) => n + r.files, 0), 60);
    for (const r of cmp[side].breakdown) assert.equal(r.files, count((f) => (side === 'a' ? f.label : f.second!.label) === r.label));
  }
  // Seeds picked so that the two untrained models agree on some files, disagree on others, and A says java (a label B lacks) on some.
  assert.ok(cmp.disagreements > 0 && cmp.compared > cmp.disagreements && cmp.outsideShared > 0, JSON.stringify(cmp));

  // Paged, sorted and filtered in SQL.
  type Page = { total: number; files: ClassifiedFileInfo[] };
  const page1 = await ok<Page>(b, 'classify.disagreements', { id: started.id, limit: 2 });
  assert.equal(page1.total, cmp.disagreements);
  const byPath = await ok<Page>(b, 'classify.disagreements', { id: started.id, limit: 1000 });
  assert.deepEqual(byPath.files.map((f) => f.path), both.filter((f) => f.second!.agree === false).map((f) => f.path).sort());
  assert.deepEqual(page1.files.map((f) => f.path), byPath.files.slice(0, 2).map((f) => f.path));
  const byConfidence = await ok<Page>(b, 'classify.disagreements', { id: started.id, sort: 'confidence', limit: 1000 });
  const surest = byConfidence.files.map((f) => Math.min(f.confidence, f.second!.confidence));
  assert.deepEqual(surest, [...surest].sort((x, y) => y - x));
  for (const label of ['python', 'javascript']) {
    const filtered = await ok<Page>(b, 'classify.disagreements', { id: started.id, label, limit: 1000 });
    assert.deepEqual(filtered.files.map((f) => f.path), byPath.files.filter((f) => f.label === label || f.second!.label === label).map((f) => f.path));
  }
  // The export carries both models: the second's label and confidence, and whether they agree.
  const csv = (await ok<{ text: string }>(b, 'classify.export', { id: started.id, format: 'csv' })).text.trim().split('\n');
  assert.equal(csv[0], 'path,label,confidence,runner_up,runner_up_confidence,extension_label,bytes,unknown,b_label,b_confidence,agree');
  assert.equal(csv.length, 61);
  const jsonl = (await ok<{ text: string }>(b, 'classify.export', { id: started.id, format: 'jsonl' })).text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const line of jsonl) {
    const f = both.find((x) => x.path === line.path)!;
    assert.deepEqual([line.b_label, line.b_confidence, line.agree], [f.second!.label, f.second!.confidence, f.second!.agree]);
  }
  const oneModel = (await ok<ClassificationJobSummary[]>(b, 'classify.jobs', {})).find((j) => j.second === null)!;
  assert.ok(!(await ok<{ text: string }>(b, 'classify.export', { id: oneModel.id, format: 'csv' })).text.split('\n')[0].includes('b_label'), 'a one-model export keeps its columns');
  assert.match((await failure(b, 'classify.comparison', { id: oneModel.id })).message, /classified its folder with one model/);
  assert.match((await failure(b, 'classify.disagreements', { id: started.id, sort: 'size' })).message, /sort/);
});

test('the same run twice, an unfinished run, a run whose model folder is gone and runs with no label in common are refused, naming the run, with nothing stored', async () => {
  const { b, datasetId } = backend();
  const db = b.store.db;
  const good = exportedRun(db, b.dataDir, { name: 'good', datasetId, labels: ['javascript', 'python'], seed: 1 });
  const running = exportedRun(db, b.dataDir, { name: 'still training', datasetId, labels: ['javascript', 'python'], seed: 2, status: 'RUNNING' });
  const gone = exportedRun(db, b.dataDir, { name: 'deleted model', datasetId, labels: ['javascript', 'python'], seed: 3 });
  fs.rmSync(gone.modelDir, { recursive: true });
  const lostFile = exportedRun(db, b.dataDir, { name: 'lost onnx', datasetId, labels: ['javascript', 'python'], seed: 4 });
  fs.rmSync(path.join(lostFile.modelDir, EXPORT_FILES.model));
  const other = exportedRun(db, b.dataDir, { name: 'other langs', datasetId, labels: ['ruby', 'go'], seed: 5 });
  const root = repo();

  const refused = async (secondRunId: number, pattern: RegExp) => {
    const err = await failure(b, 'classify.start', { runId: good.runId, secondRunId, root });
    assert.match(err.message, pattern);
  };
  await refused(good.runId, new RegExp(`Run ${good.runId} is given twice; pick two different runs`));
  await refused(running.runId, new RegExp(`Run ${running.runId} \\(still training\\) is RUNNING, not finished`));
  await refused(gone.runId, new RegExp(`Run ${gone.runId} has no exported model \\(it is FINISHED but its model folder is gone\\)`));
  await refused(lostFile.runId, new RegExp(`Run ${lostFile.runId} \\(lost onnx\\) has lost its model file`));
  await refused(other.runId, new RegExp(`Runs ${good.runId} \\(javascript, python\\) and ${other.runId} \\(ruby, go\\) have no label in common`));
  assert.equal((await failure(b, 'classify.start', { runId: good.runId, secondRunId: good.runId + 99, root })).code, 'NOT_FOUND');
  assert.match((await failure(b, 'classify.start', { runId: good.runId, secondRunId: 'two', root })).message, /secondRunId/);
  assert.deepEqual(await ok(b, 'classify.jobs', {}), [], 'no job was stored');
});
