import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ClassificationJobDetail, ClassificationJobSummary, ClassifiedFileInfo, ClassifiedFileText, JobInfo } from '../../../preload/contract.ts';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { runDirectory } from '../../../main/trainer/host/run-paths.ts';
import { INT8_MODEL_DIR } from '../../../main/trainer/int8-export.ts';
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

  // Threshold 0: every file counts in its language (the default one is tested below).
  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root, threshold: 0 });
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
    [last.filesTotal, last.filesDone, last.filesSkipped, last.breakdown, last.withExtensionLabel, last.disagreements, last.unknown],
    [detail.filesTotal, detail.filesDone, detail.filesSkipped, detail.breakdown, detail.withExtensionLabel, detail.disagreements, detail.unknown],
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

test("a job's threshold defaults from the run's test predictions; changing it recounts the breakdown from the stored rows, and unknown files are listed apart", async () => {
  const { b, runId } = await withModel();
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`src/m${i}.py`] = pySource(i);
  for (let i = 0; i < 8; i++) files[`web/w${i}.js`] = jsSource(i);
  const root = makeTree(files);
  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root });
  // The fake run stored two correct test predictions, at 0.9 and 0.7: losing at most 1% of them keeps the lowest.
  assert.equal(started.threshold, 0.7);
  await ended(b, started.id);
  const atDefault = await ok<ClassificationJobDetail>(b, 'classify.job', { id: started.id });
  const all = await ok<{ total: number; files: ClassifiedFileInfo[] }>(b, 'classify.results', { id: started.id, limit: 1000 });
  const below = (t: number) => all.files.filter((f) => f.confidence < t);
  assert.equal(atDefault.unknown.files, below(0.7).length);
  assert.equal(atDefault.unknown.files + atDefault.breakdown.reduce((n, r) => n + r.files, 0), 20);

  // A threshold between the stored confidences splits them; the breakdown follows without classifying again.
  const sorted = all.files.map((f) => f.confidence).sort((x, y) => x - y);
  const middle = (sorted[5] + sorted[6]) / 2;
  const changed = await ok<ClassificationJobDetail>(b, 'classify.setThreshold', { id: started.id, threshold: middle });
  assert.equal(changed.threshold, middle);
  assert.equal(changed.unknown.files, below(middle).length);
  assert.equal(changed.unknown.bytes, below(middle).reduce((n, f) => n + f.size, 0));
  assert.equal(changed.breakdown.reduce((n, r) => n + r.files, 0), 20 - below(middle).length);
  assert.equal(changed.disagreements, all.files.filter((f) => f.confidence >= middle && f.extensionLabel !== null && f.extensionLabel !== f.label).length);
  const unknown = await ok<{ total: number; files: ClassifiedFileInfo[] }>(b, 'classify.results', { id: started.id, unknown: true, limit: 1000 });
  assert.deepEqual(unknown.files.map((f) => f.path), below(middle).map((f) => f.path));
  for (const r of changed.breakdown) assert.equal((await ok<{ total: number }>(b, 'classify.results', { id: started.id, label: r.label })).total, r.files);
  assert.deepEqual((await ok<ClassificationJobDetail>(b, 'classify.job', { id: started.id })).unknown, changed.unknown, 'the threshold is stored');

  // Zero: nothing unknown.
  assert.equal((await ok<ClassificationJobDetail>(b, 'classify.setThreshold', { id: started.id, threshold: 0 })).unknown.files, 0);
  for (const bad of [1.5, -0.1]) {
    const err = await failure(b, 'classify.setThreshold', { id: started.id, threshold: bad });
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, new RegExp(`${bad} is outside \\[0, 1\\]; give a threshold between 0 and 1`));
  }
  assert.match((await failure(b, 'classify.start', { runId, root, threshold: 2 })).message, /2 is outside \[0, 1\]/);
  assert.equal((await failure(b, 'classify.setThreshold', { id: started.id + 99, threshold: 0.5 })).code, 'NOT_FOUND');
});

test("a job's results export as CSV and JSON lines with the runner-up, the extension's label, the size and whether the file is unknown", async () => {
  const { b, runId } = await withModel();
  const root = makeTree({ 'src/a.py': pySource(1), 'src/b.js': jsSource(2), 'odd, "name".py': pySource(3), 'tools/build.ts': 'export const n: number = 1;\n' });
  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root, threshold: 0 });
  await ended(b, started.id);
  const all = await ok<{ total: number; files: ClassifiedFileInfo[] }>(b, 'classify.results', { id: started.id, limit: 1000 });
  const threshold = all.files.map((f) => f.confidence).sort((x, y) => x - y)[1];
  const detail = await ok<ClassificationJobDetail>(b, 'classify.setThreshold', { id: started.id, threshold });
  // TypeScript is no label of this model: the file says so, and it is no disagreement.
  const ts = all.files.find((f) => f.path === 'tools/build.ts')!;
  assert.deepEqual([ts.extensionLabel, ts.extensionLanguage], [null, 'TypeScript']);
  assert.equal(detail.withOtherLanguage, ts.confidence >= threshold ? 1 : 0);

  const jsonl = await ok<{ fileName: string; mediaType: string; text: string }>(b, 'classify.export', { id: started.id, format: 'jsonl' });
  assert.match(jsonl.fileName, new RegExp(`-classified-${started.id}\\.jsonl$`));
  assert.equal(jsonl.mediaType, 'application/x-ndjson');
  const records = jsonl.text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(records.map((r) => r.path), all.files.map((f) => f.path));
  for (const f of all.files) {
    const r = records.find((x) => x.path === f.path)!;
    assert.deepEqual(r, {
      path: f.path, label: f.label, confidence: f.confidence, runner_up: f.top[1].label, runner_up_confidence: f.top[1].probability,
      extension_label: f.extensionLabel, bytes: f.size, unknown: f.confidence < threshold,
    });
  }
  assert.equal(records.filter((r) => r.unknown).length, 1);

  const csv = await ok<{ fileName: string; mediaType: string; text: string }>(b, 'classify.export', { id: started.id, format: 'csv' });
  assert.equal(csv.mediaType, 'text/csv');
  const lines = csv.text.trimEnd().split('\n');
  assert.equal(lines[0], 'path,label,confidence,runner_up,runner_up_confidence,extension_label,bytes,unknown');
  assert.equal(lines.length, 5);
  assert.ok(lines.some((l) => l.startsWith('"odd, ""name"".py",')), 'a field with a comma or a quote is quoted');
  const a = all.files.find((f) => f.path === 'src/a.py')!;
  assert.ok(lines.includes(`src/a.py,${a.label},${a.confidence},${a.top[1].label},${a.top[1].probability},python,${a.size},${a.confidence < threshold}`));

  const save = await failure(b, 'classify.saveExport', { id: started.id, format: 'csv' });
  assert.equal(save.code, 'NOT_AVAILABLE');
  assert.match(save.message, /browser mode/);
  assert.match((await failure(b, 'classify.export', { id: started.id, format: 'xlsx' })).message, /format/);
  assert.equal((await failure(b, 'classify.export', { id: started.id + 9, format: 'csv' })).code, 'NOT_FOUND');
});

test('in the desktop app an export is written where the save dialog says, whole or not at all', async () => {
  const dir = tempDir();
  const answers: (string | null)[] = [path.join(dir, 'out.csv'), null, path.join(dir, 'missing', 'out.csv')];
  const b = startBackend({ runtime: 'electron', dataDir: tempDir(), engineEntry: `${FAKE}?mode=finish`, pickSavePath: async () => answers.shift() ?? null });
  backends.push(b);
  const datasetId = seedDataset(b.store.db);
  const { runId } = await ok<{ runId: number }>(b, 'runs.start', { name: 'model', datasetId, model: { kind: 'scratch' }, hyperparameters: {}, provider: 'cpu' });
  await b.runs.waitFor(runId);
  const labels = ['java', 'javascript', 'python'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(path.join(runDirectory(b.dataDir, runId), 'model'), { family: 'scratch', config, weights: initScratchWeights(config, 1), labels });
  const started = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root: makeTree({ 'a.py': pySource(1), 'b.js': jsSource(1) }) });
  await ended(b, started.id);

  assert.deepEqual(await ok(b, 'classify.saveExport', { id: started.id, format: 'csv' }), { path: path.join(dir, 'out.csv') });
  const { text } = await ok<{ text: string }>(b, 'classify.export', { id: started.id, format: 'csv' });
  assert.equal(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8'), text);
  assert.deepEqual(await ok(b, 'classify.saveExport', { id: started.id, format: 'jsonl' }), { path: null }, 'a dismissed dialog writes nothing');
  const unwritable = await failure(b, 'classify.saveExport', { id: started.id, format: 'jsonl' });
  assert.match(unwritable.message, /out\.csv cannot be written \(ENOENT\)\. Pick another place/);
  assert.deepEqual(fs.readdirSync(dir), ['out.csv'], 'no temporary file is left behind');
});

test("a job's precision comes from the form (by default int8 only where the run has an int8 export to run), runs the run's int8 export for int8, and is stored with the job", async () => {
  const { b, runId } = await withModel();
  const root = makeTree({ 'a.py': pySource(1), 'b.js': jsSource(2) });
  const plain = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root });
  // The fake engine's checkpoint cannot be quantized, so the default runs float32 and says so.
  assert.equal(plain.precision, 'float32');
  await ended(b, plain.id);
  // Refused before anything is stored: an unknown precision, and int8 for a run with no int8 export or checkpoint.
  const bad = await failure(b, 'classify.start', { runId, root, precision: 'fp16' });
  assert.equal(bad.code, 'INVALID_ARGUMENT');
  assert.match(bad.message, /precision fp16 is unknown; give float32 or int8/);
  const none = await failure(b, 'classify.start', { runId, root, precision: 'int8' });
  assert.equal(none.code, 'NOT_AVAILABLE');
  // The fake engine leaves a checkpoint that is not a real one: the refusal names it.
  assert.match(none.message, /^This run cannot classify in int8 \(pick float32\): .*checkpoints\/best/);
  assert.equal((await ok<ClassificationJobSummary[]>(b, 'classify.jobs', {})).length, 1);
  // With the run's int8 export beside model/, the job runs it.
  const labels = ['java', 'javascript', 'python'];
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(path.join(runDirectory(b.dataDir, runId), INT8_MODEL_DIR), { family: 'scratch', config, weights: initScratchWeights(config, 1), labels }, { quantize: 'int8' });
  const int8 = await ok<ClassificationJobSummary>(b, 'classify.start', { runId, root, precision: 'int8' });
  assert.equal(int8.precision, 'int8');
  assert.equal(path.basename(int8.modelPath), INT8_MODEL_DIR);
  const done = await ended(b, int8.id);
  assert.equal(done.status, 'FINISHED');
  assert.equal((await ok<ClassificationJobDetail>(b, 'classify.job', { id: int8.id })).precision, 'int8');
});
