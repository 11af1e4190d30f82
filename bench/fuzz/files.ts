// Malformed files where the app reads them: model folders (models.check, and the full load a run
// does), exported models (the prediction worker), checkpoints (what a resume reads), CSV/JSONL
// tables and dataset folders (datasets.add). Each case writes its own input when it runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startBackend, type Backend } from '../../main/api/backend.ts';
import { exportClassifier } from '../../main/engine/export/export-classifier.ts';
import { loadHfRoberta } from '../../main/engine/io/hf-folder.ts';
import { writeTinyRoberta } from '../../main/engine/io/tiny-roberta.ts';
import { initScratchWeights } from '../../main/engine/models/scratch.ts';
import { readCheckpoint, writeCheckpoint, type CheckpointState } from '../../main/trainer/checkpoint.ts';
import { Predictor } from '../../main/trainer/host/predictor.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from '../../main/trainer/model.ts';
import type { JobInfo } from '../../preload/contract.ts';
import { defaultHyperparameters } from '../../preload/hyperparameters.ts';
import { errorAnswer, type Answer, type FuzzCase, type Rng } from './harness.ts';

export interface FileFuzzOptions {
  dataDir: string;
  scratch: string;
  /** Keep the big inputs small (the 200 MB line becomes 2 MB). */
  quick: boolean;
}

let counter = 0;
const fresh = (root: string, name: string) => {
  const dir = path.join(root, `${String(++counter).padStart(4, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

/** A thrown call as an answer; a return as an acceptance described by `describe`. */
async function attempt(f: () => unknown, describe: (v: unknown) => string = () => 'loaded'): Promise<Answer> {
  try {
    return { kind: 'accepted', detail: describe(await f()) };
  } catch (err) {
    return errorAnswer(err);
  }
}

/** Waits for a job the dispatch started; a failed job's error is its answer. */
async function jobAnswer(b: Backend, started: { ok: boolean; result?: unknown; error?: { code: string; message: string } }): Promise<Answer> {
  if (!started.ok) return { kind: 'error', code: started.error!.code, message: started.error!.message };
  const jobId = (started.result as JobInfo).jobId;
  for (;;) {
    const list = await b.dispatch('jobs.list', {});
    const job = list.ok ? (list.result as JobInfo[]).find((j) => j.jobId === jobId) : undefined;
    if (job && job.status !== 'running') {
      if (job.status === 'failed') return { kind: 'error', code: 'INVALID_ARGUMENT', message: `job failed: ${job.error ?? ''}` };
      const got = await b.dispatch('datasets.get', { id: job.resultId });
      if (!got.ok) return { kind: 'error', code: got.error.code, message: got.error.message };
      const info = got.result as { classes: { label: string; files: number }[]; skipped: { reason: string; count: number }[] };
      return { kind: 'accepted', detail: JSON.stringify({ labels: info.classes.map((c) => c.label).sort(), skipped: info.skipped.map((s) => `${s.reason}:${s.count}`) }) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const labelsOf = (detail: string): string[] => (JSON.parse(detail) as { labels: string[] }).labels;

export function fileCases(o: FileFuzzOptions, rng: Rng): FuzzCase[] {
  let backend: Backend | null = null;
  const b = () => (backend ??= startBackend({ runtime: 'browser', dataDir: o.dataDir }));
  const cases: FuzzCase[] = [];
  const add = (category: string, name: string, mentions: string[], run: () => Promise<Answer>, acceptable?: (d: string) => boolean) =>
    cases.push({ category, name, mentions, run, ...(acceptable ? { acceptable } : {}) });

  // --- Model folders: a tiny RoBERTa written fresh, then one thing broken.
  const model = (name: string, breakIt: (dir: string) => void) => {
    const dir = fresh(o.scratch, name);
    writeTinyRoberta(dir, { seed: 1 + rng.int(1000), hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_length: 16 });
    breakIt(dir);
    return dir;
  };
  const editJson = (file: string, edit: (j: Record<string, unknown>) => void) => {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(j);
    fs.writeFileSync(file, JSON.stringify(j));
  };
  const header = (file: string) => {
    const bytes = fs.readFileSync(file);
    const len = Number(bytes.readBigUInt64LE(0));
    return { bytes, len, json: JSON.parse(bytes.subarray(8, 8 + len).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }> };
  };
  const rewriteHeader = (file: string, edit: (h: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void) => {
    const { bytes, len, json } = header(file);
    edit(json);
    const text = Buffer.from(JSON.stringify(json).padEnd(len, ' '));
    const lenBuf = Buffer.alloc(8);
    lenBuf.writeBigUInt64LE(BigInt(text.length));
    fs.writeFileSync(file, Buffer.concat([lenBuf, text, bytes.subarray(8 + len)]));
  };
  const firstTensor = (file: string) => Object.keys(header(file).json).find((k) => k !== '__metadata__')!;
  const configFields = ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size', 'max_position_embeddings', 'intermediate_size', 'layer_norm_eps', 'architectures', 'type_vocab_size', 'pad_token_id'];
  const wrongs: unknown[] = ['12', -1, 0, 1.5, null, [], {}, 1e12, true];
  const breakages: [string, (dir: string) => void, (dir: string) => string[]][] = [
    ...configFields.map((f): [string, (dir: string) => void, (dir: string) => string[]] => {
      const v = rng.pick(wrongs);
      return [`config.json ${f}=${JSON.stringify(v)}`, (d) => editJson(path.join(d, 'config.json'), (j) => { j[f] = v; }), () => ['config.json', f]];
    }),
    ['config.json not JSON', (d) => fs.writeFileSync(path.join(d, 'config.json'), '{"hidden_size": 8,'), () => ['config.json']],
    ['config.json an array', (d) => fs.writeFileSync(path.join(d, 'config.json'), '[1,2]'), () => ['config.json']],
    ['config.json missing', (d) => fs.rmSync(path.join(d, 'config.json')), () => ['config.json']],
    ['tokenizer.json truncated', (d) => { const f = path.join(d, 'tokenizer.json'); const t = fs.readFileSync(f); fs.writeFileSync(f, t.subarray(0, Math.floor(t.length * rng.next()))); }, () => ['tokenizer.json']],
    ['tokenizer.json empty object', (d) => fs.writeFileSync(path.join(d, 'tokenizer.json'), '{}'), () => ['tokenizer.json']],
    ['tokenizer.json missing', (d) => fs.rmSync(path.join(d, 'tokenizer.json')), () => ['tokenizer.json']],
    ['safetensors header length huge', (d) => { const f = path.join(d, 'model.safetensors'); const t = fs.readFileSync(f); t.writeBigUInt64LE(rng.pick([2n ** 63n, 2n ** 40n, BigInt(t.length)])); fs.writeFileSync(f, t); }, () => ['model.safetensors']],
    ['safetensors truncated', (d) => { const f = path.join(d, 'model.safetensors'); const t = fs.readFileSync(f); fs.writeFileSync(f, t.subarray(0, Math.max(1, Math.floor(t.length * (0.1 + 0.8 * rng.next()))))); }, () => ['model.safetensors']],
    ['safetensors 4 bytes', (d) => fs.writeFileSync(path.join(d, 'model.safetensors'), Buffer.from([1, 2, 3, 4])), () => ['model.safetensors']],
    ['safetensors offsets out of range', (d) => rewriteHeader(path.join(d, 'model.safetensors'), (h) => { const k = Object.keys(h).find((n) => n !== '__metadata__')!; const [b0, e0] = h[k].data_offsets; h[k].data_offsets = [b0 + 1e9, e0 + 1e9]; }), (d) => ['model.safetensors']],
    ['safetensors offsets reversed', (d) => rewriteHeader(path.join(d, 'model.safetensors'), (h) => { const k = Object.keys(h).find((n) => n !== '__metadata__')!; h[k].data_offsets = [...h[k].data_offsets].reverse(); }), () => ['model.safetensors']],
    ['safetensors dtype not matching its bytes', (d) => rewriteHeader(path.join(d, 'model.safetensors'), (h) => { const k = Object.keys(h).find((n) => n !== '__metadata__')!; h[k].dtype = rng.pick(['F64', 'F16', 'I8']); }), () => ['model.safetensors']],
    ['safetensors unknown dtype', (d) => rewriteHeader(path.join(d, 'model.safetensors'), (h) => { const k = Object.keys(h).find((n) => n !== '__metadata__')!; h[k].dtype = 'F128'; }), () => ['model.safetensors']],
    ['safetensors negative shape', (d) => rewriteHeader(path.join(d, 'model.safetensors'), (h) => { const k = Object.keys(h).find((n) => n !== '__metadata__')!; h[k].shape = [-1]; }), () => ['model.safetensors']],
    ['safetensors missing tensor', (d) => rewriteHeader(path.join(d, 'model.safetensors'), (h) => { delete h[firstTensor(path.join(d, 'model.safetensors'))]; }), () => ['model.safetensors']],
    ['safetensors header not JSON', (d) => { const f = path.join(d, 'model.safetensors'); const t = fs.readFileSync(f); t[8] = 0x7b; t[9] = 0x7b; fs.writeFileSync(f, t); }, () => ['model.safetensors']],
    ['model.safetensors is a folder', (d) => { fs.rmSync(path.join(d, 'model.safetensors')); fs.mkdirSync(path.join(d, 'model.safetensors')); }, () => ['model.safetensors']],
  ];
  for (const [name, breakIt, mentions] of breakages) {
    add('files.model', `models.check: ${name}`, [], async () => {
      const dir = model(name, breakIt);
      const a = await b().dispatch('models.check', { path: dir });
      const answer: Answer = a.ok ? { kind: 'accepted', detail: 'models.check passed' } : { kind: 'error', code: a.error.code, message: a.error.message };
      return withMentions(answer, mentions(dir));
    }, (d) => d === 'models.check passed' && /offsets|dtype|truncated/.test(name));
    // models.check reads the header only; what the header does not show (offsets, dtypes) is checked when a run loads the weights.
    add('files.model', `load: ${name}`, [], async () => {
      const dir = model(name, breakIt);
      return withMentions(await attempt(() => loadHfRoberta(dir)), mentions(dir));
    });
  }

  // --- An exported model whose model.onnx is not ONNX, and other broken exports, through the prediction worker.
  let predictor: Predictor | null = null;
  const labels = ['a', 'b'];
  const exported = (name: string, breakIt: (dir: string) => void) => {
    const dir = fresh(o.scratch, name);
    const hp = { ...defaultHyperparameters('scratch'), d_model: 16, num_layers: 1, num_heads: 2, max_length: 16 };
    const config = scratchConfigFor(hp, labels.length);
    exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, 1), labels, truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS });
    breakIt(dir);
    return dir;
  };
  const onnxBreaks: [string, (dir: string) => void, string][] = [
    ['model.onnx is text', (d) => fs.writeFileSync(path.join(d, 'model.onnx'), 'this is not an onnx model\n'), 'model.onnx'],
    ['model.onnx is random bytes', (d) => fs.writeFileSync(path.join(d, 'model.onnx'), Buffer.from(Array.from({ length: 4096 }, () => rng.int(256)))), 'model.onnx'],
    ['model.onnx truncated', (d) => { const f = path.join(d, 'model.onnx'); const t = fs.readFileSync(f); fs.writeFileSync(f, t.subarray(0, Math.floor(t.length / 2))); }, 'model.onnx'],
    ['model.onnx empty', (d) => fs.writeFileSync(path.join(d, 'model.onnx'), ''), 'model.onnx'],
    ['model.onnx missing', (d) => fs.rmSync(path.join(d, 'model.onnx')), 'model.onnx'],
  ];
  for (const [name, breakIt, file] of onnxBreaks) {
    add('files.onnx', `predict: ${name}`, [file], async () => {
      const dir = exported(name, breakIt);
      predictor ??= new Predictor();
      return attempt(() => predictor!.predict(dir, ['print(1)']));
    });
  }
  for (const [name, text] of [['not JSON', '{"labels": ['], ['null', 'null'], ['another format', '{"format":"onnx","version":9}']]) {
    add('files.onnx', `predict: langlab-model.json ${name}`, ['langlab-model.json'], async () => {
      const dir = exported(name, (d) => fs.writeFileSync(path.join(d, 'langlab-model.json'), text));
      predictor ??= new Predictor();
      return attempt(() => predictor!.predict(dir, ['print(1)']));
    });
  }

  // --- Checkpoints: a small one written as a run writes it, then damaged.
  const checkpoint = (name: string, labelsOfRun: string[]) => {
    const dir = path.join(fresh(o.scratch, name), 'checkpoints', 'last');
    const p = Float32Array.from({ length: 6 }, () => rng.next());
    const state: CheckpointState = {
      version: 1, step: 3, epoch: 1, batchInEpoch: 0, shuffleState: [1, 2, 3, 4] as never, maskState: [5, 6, 7, 8] as never,
      bestValLoss: 0.5, bestValAccuracy: 0.8, patienceCounter: 0, trainingDone: false, elapsedSeconds: 1, secondsToBest: 1,
      hyperparameters: defaultHyperparameters('scratch'), model: { kind: 'scratch' }, labels: labelsOfRun,
    };
    writeCheckpoint(dir, { step: 3, params: { w: p, b: p.slice(0, 2) }, m: { w: p, b: p.slice(0, 2) }, v: { w: p, b: p.slice(0, 2) } }, state, new Map([['w', [2, 3]], ['b', [2]]]));
    return dir;
  };
  const truncate = (file: string) => {
    const t = fs.readFileSync(file);
    fs.writeFileSync(file, t.subarray(0, Math.floor(t.length * (0.05 + 0.9 * rng.next()))));
  };
  const ckBreaks: [string, (dir: string) => void, string][] = [
    ['state.json truncated', (d) => truncate(path.join(d, 'state.json')), 'state.json'],
    ['state.json empty', (d) => fs.writeFileSync(path.join(d, 'state.json'), ''), 'state.json'],
    ['state.json null', (d) => fs.writeFileSync(path.join(d, 'state.json'), 'null'), 'state.json'],
    ['state.json version 2', (d) => editJson(path.join(d, 'state.json'), (j) => { j.version = 2; }), 'state.json'],
    ['state.json step a string', (d) => editJson(path.join(d, 'state.json'), (j) => { j.step = 'three'; }), 'state.json'],
    ['state.json labels missing', (d) => editJson(path.join(d, 'state.json'), (j) => { delete j.labels; }), 'state.json'],
    ['weights.safetensors truncated', (d) => truncate(path.join(d, 'weights.safetensors')), 'weights.safetensors'],
    ['optimizer.safetensors truncated', (d) => truncate(path.join(d, 'optimizer.safetensors')), 'optimizer.safetensors'],
    ['weights.safetensors missing', (d) => fs.rmSync(path.join(d, 'weights.safetensors')), 'weights.safetensors'],
    ['optimizer.safetensors missing', (d) => fs.rmSync(path.join(d, 'optimizer.safetensors')), 'optimizer.safetensors'],
    ['state.json from another run', (d) => {
      const other = checkpoint('other-run', ['x', 'y', 'z']);
      fs.copyFileSync(path.join(other, 'state.json'), path.join(d, 'state.json'));
    }, 'state.json'],
    ['weights from another run', (d) => {
      const other = path.join(fresh(o.scratch, 'other-weights'), 'last');
      const q = new Float32Array(4);
      writeCheckpoint(other, { step: 9, params: { other: q }, m: { other: q }, v: { other: q } }, JSON.parse(fs.readFileSync(path.join(d, 'state.json'), 'utf8')) as CheckpointState);
      fs.copyFileSync(path.join(other, 'weights.safetensors'), path.join(d, 'weights.safetensors'));
    }, '.safetensors'],
  ];
  for (const [name, breakIt, file] of ckBreaks) {
    add('files.checkpoint', `resume: ${name}`, [file], async () => {
      const dir = checkpoint(name, ['a', 'b']);
      breakIt(dir);
      return attempt(() => readCheckpoint(dir));
    });
  }

  // --- CSV and JSONL imports through datasets.add.
  const rows = (n: number, label: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ text: `def f${i}():\n    return ${i} + ${rng.int(1000)}\n`, label: label(i) }));
  const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const csv = (rs: { text: string; label: string }[], eol = '\n') => `text,label${eol}${rs.map((r) => `${csvQuote(r.text)},${csvQuote(r.label)}`).join(eol)}${eol}`;
  const jsonl = (rs: { text: string; label: string }[], eol = '\n') => rs.map((r) => JSON.stringify(r)).join(eol) + eol;
  const ab = (i: number) => (i % 2 ? 'python' : 'java');
  const bigLine = o.quick ? 2 << 20 : 200 << 20;
  const table = (name: string, kind: 'csv' | 'jsonl', write: (file: string) => void, mentions: string[], acceptable?: (d: string) => boolean) =>
    add('files.table', `${kind}: ${name}`, mentions, async () => {
      const file = path.join(fresh(o.scratch, name), `data.${kind}`);
      write(file);
      return jobAnswer(b(), await b().dispatch('datasets.add', { kind, path: file }));
    }, acceptable);
  const twoLabels = (d: string) => labelsOf(d).join() === 'java,python';
  for (const kind of ['csv', 'jsonl'] as const) {
    const fmt = kind === 'csv' ? csv : jsonl;
    table('BOM', kind, (f) => fs.writeFileSync(f, `\ufeff${fmt(rows(12, ab))}`), ['data.'], twoLabels);
    table('CRLF', kind, (f) => fs.writeFileSync(f, fmt(rows(12, ab), '\r\n')), ['data.'], twoLabels);
    table('empty labels', kind, (f) => fs.writeFileSync(f, fmt(rows(12, (i) => (i % 3 === 0 ? '' : ab(i))))), ['data.', 'label'], (d) => !labelsOf(d).includes('') && twoLabels(d));
    table('whitespace labels', kind, (f) => fs.writeFileSync(f, fmt(rows(12, (i) => (i % 3 === 0 ? '  \t' : ab(i))))), ['data.', 'label'], (d) => !labelsOf(d).some((l) => l.trim() === '') && twoLabels(d));
    for (const label of rng.shuffle(['../../../../etc/passwd', '/etc/shadow', 'C:\\Windows\\evil', 'a/../../b', '\u0000nul']).slice(0, 3)) {
      table(`label ${JSON.stringify(label)}`, kind, (f) => fs.writeFileSync(f, fmt(rows(12, (i) => (i % 2 ? label : 'java')))), ['data.', 'label'], () => false);
    }
    table(`a ${bigLine >> 20} MB line`, kind, (f) => {
      const fd = fs.openSync(f, 'w');
      fs.writeSync(fd, kind === 'csv' ? 'text,label\n"' : '{"text":"');
      const chunk = Buffer.alloc(1 << 20, 'a');
      for (let i = 0; i < bigLine >> 20; i++) fs.writeSync(fd, chunk);
      fs.writeSync(fd, kind === 'csv' ? '",python\n' : '","label":"python"}\n');
      fs.writeSync(fd, fmt(rows(12, ab)).replace(/^text,label\n/, ''));
      fs.closeSync(fd);
    }, ['data.'], (d) => twoLabels(d) && /oversize/.test(d));
    table('truncated mid-row', kind, (f) => { const t = fmt(rows(12, ab)); fs.writeFileSync(f, t.slice(0, Math.floor(t.length * 0.6))); }, ['data.']);
    table('binary junk', kind, (f) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 2000 }, () => rng.int(256)))), ['data.']);
    table('only a header', kind, (f) => fs.writeFileSync(f, kind === 'csv' ? 'text,label\n' : '\n'), ['data.']);
    table('empty file', kind, (f) => fs.writeFileSync(f, ''), ['data.']);
    table('one label only', kind, (f) => fs.writeFileSync(f, fmt(rows(12, () => 'java'))), ['data.', 'label']);
  }
  table('unbalanced quotes', 'csv', (f) => fs.writeFileSync(f, `text,label\n"print(1),python\n"x = 2",java\n`), ['data.csv']);
  // A quote inside an unquoted field is taken literally, as most CSV readers do.
  table('quote inside a field', 'csv', (f) => fs.writeFileSync(f, `text,label\nprint("1"),python\n"x",java\n`), ['data.csv'], (d) => twoLabels(d));
  table('missing label column', 'csv', (f) => fs.writeFileSync(f, `text,lang\n"a",python\n`), ['data.csv', 'label']);
  table('extra field', 'csv', (f) => fs.writeFileSync(f, `text,label\n"a",python,extra\n`), ['data.csv']);
  table('rows not objects', 'jsonl', (f) => fs.writeFileSync(f, '[1,2]\n"x"\n42\nnull\n'), ['data.jsonl']);
  table('label a number', 'jsonl', (f) => fs.writeFileSync(f, jsonl(rows(12, ab)).replace(/"label":"python"/g, '"label":7')), ['data.jsonl', 'label']);
  table('text an object', 'jsonl', (f) => fs.writeFileSync(f, jsonl(rows(12, ab)).replace(/"text":"[^"]*"/, '"text":{"a":1}')), ['data.jsonl', 'text']);
  table('nested 100000 deep', 'jsonl', (f) => fs.writeFileSync(f, `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), ['data.jsonl']);

  // --- Dataset folders: one sub-folder per label, with something odd inside.
  const folder = (name: string, oddity: (dir: string) => void, acceptable: (d: string) => boolean, during?: (dir: string) => void) =>
    add('files.folder', `folder: ${name}`, [o.scratch], async () => {
      const dir = fresh(o.scratch, name);
      for (const l of ['java', 'python']) {
        fs.mkdirSync(path.join(dir, l));
        for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(dir, l, `f${i}.${l === 'java' ? 'java' : 'py'}`), `// ${l} ${i} ${rng.int(1e9)}\nx = ${i}\n`);
      }
      oddity(dir);
      const started = await b().dispatch('datasets.add', { kind: 'folder', path: dir });
      during?.(dir);
      return jobAnswer(b(), started);
    }, acceptable);
  const fine = (d: string) => labelsOf(d).join() === 'java,python' || labelsOf(d).join() === 'java,python,weird';
  folder('non-UTF-8 file names', (d) => {
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(d, 'python') + '/'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('.py')]), 'print(1)\n');
  }, fine);
  folder('non-UTF-8 folder name', (d) => {
    fs.mkdirSync(Buffer.concat([Buffer.from(d + '/'), Buffer.from([0xc3, 0x28])]));
  }, (d) => labelsOf(d).every((l) => !l.includes('\ufffd')) || /name/.test(d));
  folder('symlink loop', (d) => {
    fs.symlinkSync(path.join(d, 'python'), path.join(d, 'python', 'loop'));
    fs.symlinkSync('self', path.join(d, 'java', 'self'));
  }, fine);
  folder('files deleted during the scan', () => undefined, fine, (d) => fs.rmSync(path.join(d, 'java', 'f0.java'), { force: true }));
  folder('a FIFO', (d) => execFileSync('mkfifo', [path.join(d, 'python', 'pipe.py')]), fine);
  folder('unreadable files', (d) => fs.chmodSync(path.join(d, 'java', 'f1.java'), 0), fine);
  folder('a socket-like device link', (d) => fs.symlinkSync('/dev/zero', path.join(d, 'python', 'zero.py')), fine);
  folder('a label folder that is a file', (d) => fs.writeFileSync(path.join(d, 'weird'), 'x'), fine);
  folder('an empty label folder', (d) => fs.mkdirSync(path.join(d, 'weird')), fine);
  folder('no label folders', (d) => { fs.rmSync(path.join(d, 'java'), { recursive: true }); fs.rmSync(path.join(d, 'python'), { recursive: true }); }, () => false);

  return cases;
}

/** A file case names its file; the path of the folder alone does not count. */
function withMentions(a: Answer, mentions: string[]): Answer {
  if (a.kind !== 'error') return a;
  const text = a.message.toLowerCase();
  return mentions.some((m) => text.includes(m.toLowerCase())) ? a : { ...a, code: `${a.code} (names none of ${mentions.join(', ')})` };
}
