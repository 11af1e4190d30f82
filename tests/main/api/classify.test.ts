import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ClassificationJobDetail, ClassificationJobSummary, ClassifiedFileInfo, ClassifiedFileText, JobInfo } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { runDirectory } from '../../../main/trainer/host/run-paths.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { tempDir } from '../../helpers/temp.ts';
import { jsSource, makeTree, pySource } from '../data/helpers.ts';

const FAKE = new URL('../trainer/host/fake-engine.ts', import.meta.url).href;
const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

/** A backend with one finished run whose model folder holds a real (untrained) export. */
async function withModel(): Promise<{ b: Backend; runId: number }> {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir(), engineEntry: `${FAKE}?mode=finish` });
  backends.push(b);
  const datasetId = seedDataset(b.store.db);
  const { runId } = await ok<{ runId: number }>(b, 'runs.start', { name: 'model', datasetId, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' });
  assert.equal((await b.runs.waitFor(runId)).status, 'FINISHED');
  const labels = ['java', 'javascript', 'python'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(path.join(runDirectory(b.dataDir, runId), 'model'), { family: 'scratch', config, weights: initScratchWeights(config, 1), labels });
  return { b, runId };
}

/** Resolves once the job has ended, from its own events. */
function ended(b: Backend, id: number): Promise<ClassificationJobSummary> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = async () => {
      if (done) return;
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

test('a job classifies every text file of a folder with a run\'s model; its breakdown, disagreements and pages come from the store', async () => {
  const { b, runId } = await withModel();
  const progress: JobInfo[] = [];
  b.events.subscribe((name, p) => name === 'job.progress' && progress.push(p as JobInfo));
  const files: Record<string, string | Buffer> = { 'bin/tool': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), 'README.md': '# Demo\n' };
  for (let i = 0; i < 40; i++) files[`src/m${i}.py`] = pySource(i);
  for (let i = 0; i < 30; i++) files[`web/w${i}.js`] = jsSource(i);
  const root = makeTree(files);

  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root });
  assert.equal(started.status, 'RUNNING');
  assert.equal(started.runName, 'model');
  const job = await ended(b, started.id);
  assert.equal(job.status, 'FINISHED', job.error ?? '');

  const detail = await ok<ClassificationJobDetail>(b, 'classify.job', { id: started.id });
  assert.deepEqual([detail.filesTotal, detail.filesDone, detail.filesSkipped], [72, 72, 1]);
  assert.equal(detail.breakdown.reduce((n, r) => n + r.files, 0), 71);
  assert.ok(detail.breakdown.every((r, i) => i === 0 || r.files <= detail.breakdown[i - 1].files), 'most files first');
  assert.equal(detail.withExtensionLabel, 70, 'README.md names no language of this model');
  // The job's own events carry what its page shows: the last one holds the store's figures.
  const own = progress.filter((j) => j.kind === 'classify' && j.storeId === started.id);
  assert.deepEqual(own.map((j) => j.status).filter((s, i, a) => s !== a[i - 1]), ['running', 'done']);
  const last = own.at(-1)!;
  assert.ok(last.kind === 'classify' && last.resultId === started.id);
  assert.deepEqual(
    [last.filesTotal, last.filesDone, last.filesSkipped, last.breakdown, last.withExtensionLabel, last.disagreements],
    [detail.filesTotal, detail.filesDone, detail.filesSkipped, detail.breakdown, detail.withExtensionLabel, detail.disagreements],
  );
  const all = await ok<{ total: number; files: ClassifiedFileInfo[] }>(b, 'classify.results', { id: started.id, limit: 1000 });
  assert.equal(all.total, 71);
  // An untrained model: whatever it says, the disagreements are exactly the files whose extension says otherwise.
  const disagreeing = all.files.filter((f) => f.extensionLabel !== null && f.extensionLabel !== f.label);
  assert.equal(detail.disagreements, disagreeing.length);
  const page = await ok<{ total: number; files: ClassifiedFileInfo[] }>(b, 'classify.results', { id: started.id, disagreeing: true, limit: 1000 });
  assert.deepEqual(page.files.map((f) => f.path), disagreeing.map((f) => f.path));
  const py = all.files.find((f) => f.path === 'src/m0.py')!;
  assert.equal(py.extensionLabel, 'python');
  assert.equal(py.top.length, 3);
  assert.ok(Math.abs(py.top.reduce((s, t) => s + t.probability, 0) - 1) < 1e-5);
  assert.equal(py.confidence, py.top[0].probability);
  const least = await ok<{ total: number; files: ClassifiedFileInfo[] }>(b, 'classify.results', { id: started.id, sort: 'confidence', limit: 5 });
  assert.ok(least.files.every((f, i) => i === 0 || f.confidence >= least.files[i - 1].confidence));
  const top = detail.breakdown[0];
  assert.equal((await ok<{ total: number }>(b, 'classify.results', { id: started.id, label: top.label })).total, top.files);

  // What was left out, and why; a classified file's code, and no other file.
  assert.deepEqual(detail.leftOut, [{ reason: 'binary', count: 1 }]);
  assert.deepEqual(await ok(b, 'classify.leftOut', { id: started.id, reason: 'binary' }), { total: 1, files: ['bin/tool'] });
  const code = await ok<ClassifiedFileText>(b, 'classify.file', { id: started.id, path: 'src/m0.py' });
  assert.deepEqual(code, { path: 'src/m0.py', text: files['src/m0.py'], highlight: 'python' });
  assert.equal((await failure(b, 'classify.file', { id: started.id, path: 'bin/tool' })).code, 'NOT_FOUND');
  assert.equal((await failure(b, 'classify.file', { id: started.id, path: '../../etc/passwd' })).code, 'NOT_FOUND');

  const listed = await ok<ClassificationJobSummary[]>(b, 'classify.jobs', {});
  assert.deepEqual(listed.map((j) => j.id), [started.id]);
  assert.equal((await failure(b, 'classify.cancel', { id: started.id })).code, 'INVALID_ARGUMENT');
  assert.deepEqual(await ok(b, 'classify.delete', { id: started.id }), { deleted: true });
  assert.equal((await failure(b, 'classify.job', { id: started.id })).code, 'NOT_FOUND');
  assert.equal((await failure(b, 'classify.results', { id: started.id })).code, 'NOT_FOUND');
});

test('a job needs a finished run with a model and an existing folder; each refusal names what is wrong', async () => {
  const { b, runId } = await withModel();
  const file = path.join(makeTree({ 'a.py': 'x = 1\n' }), 'a.py');
  assert.match((await failure(b, 'classify.start', { runId, root: file })).message, /is a file, not a folder/);
  assert.match((await failure(b, 'classify.start', { runId, root: path.join(tempDir(), 'missing') })).message, /cannot be read \(ENOENT\)/);
  assert.equal((await failure(b, 'classify.start', { runId: runId + 99, root: tempDir() })).code, 'NOT_FOUND');
  assert.equal((await failure(b, 'classify.start', { runId, root: '' })).code, 'INVALID_ARGUMENT');
  assert.match((await failure(b, 'classify.start', { runId, root: tempDir() })).message, /is empty: there is no file to classify/);
  assert.deepEqual(await ok(b, 'classify.jobs', {}), []);
});

test('a folder with nothing the model can read ends FAILED saying so, with what was left out and why', async () => {
  const { b, runId } = await withModel();
  const root = makeTree({ 'tool.bin': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), 'node_modules/dep/index.js': 'x\n' });
  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root });
  const job = await ended(b, started.id);
  assert.equal(job.status, 'FAILED');
  assert.match(job.error ?? '', /None of the 1 files under .* is a text file the model can read/);
  const detail = await ok<ClassificationJobDetail>(b, 'classify.job', { id: started.id });
  assert.deepEqual(detail.leftOut, [{ reason: 'binary', count: 1 }, { reason: 'vendored', count: 1 }]);
  assert.deepEqual((await ok<{ files: string[] }>(b, 'classify.leftOut', { id: started.id, reason: 'vendored' })).files, ['node_modules/']);
});
