// Two runs' models over one folder: one two-model job (each file walked and read once, each batch
// tokenized once for both models when their tokenizers are the same, one request to the prediction
// worker) against what a user had before it, two one-model jobs one after the other. The from-
// scratch defaults' model (untrained weights: inference costs the same), two seeds. A third
// variant gives the second model another tokenizer (a file's head instead of its head and tail,
// the same length), so each batch is tokenized per model but still read once.
//   node --import tsx bench/classify-two-models.ts --folder <dir> [--repeats N]
// The variants run alternately in one process, `--repeats` times each (default 3); the ratio of
// their median times is the figure to trust on a shared machine. Each two-model job's predictions
// are checked against the one-model jobs' (same label for every file, confidence within 1e-5).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventHub } from '../main/api/events.ts';
import { CLASSIFY_INFERENCE_THREADS } from '../main/classify/classify-folder.ts';
import { ClassifyJobs } from '../main/classify/jobs.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { initScratchWeights } from '../main/engine/models/scratch.ts';
import type { TruncateSide } from '../main/engine/tokenize/encoded.ts';
import { JobRegistry } from '../main/jobs/registry.ts';
import { getJob, listResults } from '../main/store/jobs.ts';
import { openStore } from '../main/store/store.ts';
import { Predictor } from '../main/trainer/host/predictor.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from '../main/trainer/model.ts';
import { defaultHyperparameters } from '../preload/hyperparameters.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const folder = arg('folder');
if (!folder || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
  throw new Error('classify-two-models bench: --folder <dir> must name a folder to classify.');
}
const repeats = Number(arg('repeats') ?? 3);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`classify-two-models bench: --repeats must be a positive integer, got ${arg('repeats')}.`);
const labels = 'cpp,groovy,java,javascript,json,python,xml,yml'.split(',');
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-two-models-'));
const predictor = new Predictor();
try {
  const hp = defaultHyperparameters('scratch');
  const config = scratchConfigFor(hp, labels.length);
  const exportModel = (name: string, seed: number, truncate: TruncateSide = SCRATCH_TRUNCATE) => {
    const modelDir = path.join(dir, name);
    exportClassifier(modelDir, { family: 'scratch', config, weights: initScratchWeights(config, seed), labels, truncate, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS });
    return modelDir;
  };
  const modelA = exportModel('a', 1);
  const modelB = exportModel('b', 2);
  const modelC = exportModel('c', 2, SCRATCH_TRUNCATE === 'head' ? 'tail' : 'head');
  const store = openStore({ file: path.join(dir, 'langlab.db') });
  const jobs = new ClassifyJobs({
    db: store.db, events: new EventHub(), jobs: new JobRegistry(() => undefined),
    predict: (m, texts) => predictor.predict(m, texts, undefined, CLASSIFY_INFERENCE_THREADS),
    predictPair: (ms, texts) => predictor.predictPair(ms, texts, undefined, CLASSIFY_INFERENCE_THREADS),
  });
  const job = async (modelDir: string, second?: string) => {
    const id = jobs.start({ runId: null, modelDir, root: folder, ...(second ? { second: { runId: null, modelDir: second } } : {}) });
    await jobs.settled(id);
    const j = getJob(store.db, id)!;
    if (j.status !== 'FINISHED') throw new Error(`classify-two-models bench: job ${id} ended ${j.status}: ${j.error}`);
    return id;
  };
  type Variant = { name: string; run: () => Promise<number[]> };
  const variants: Variant[] = [
    { name: 'two one-model jobs (before)', run: async () => [await job(modelA), await job(modelB)] },
    { name: 'one two-model job, shared tokenizer', run: async () => [await job(modelA, modelB)] },
    { name: 'one two-model job, two tokenizers', run: async () => [await job(modelA, modelC)] },
  ];
  const measure = async (v: Variant) => {
    const worker0 = { ...predictor.timing };
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const t0 = performance.now();
    const ids = await v.run();
    const seconds = (performance.now() - t0) / 1000;
    lag.disable();
    return { ids, seconds, tokenizeMs: predictor.timing.tokenizeMs - worker0.tokenizeMs, runMs: predictor.timing.runMs - worker0.runMs, lagP99: lag.percentile(99) / 1e6 };
  };
  // A first pass of each loads the models and warms the file cache and the sessions; not counted.
  for (const v of variants) await measure(v);
  const results = new Map(variants.map((v) => [v, [] as Awaited<ReturnType<typeof measure>>[]]));
  for (let r = 0; r < repeats; r++) for (const v of r % 2 ? [...variants].reverse() : variants) results.get(v)!.push(await measure(v));

  // Same predictions: the pair job's A and B sides against the one-model jobs of the last repeat.
  const classified = (id: number) => listResults(store.db, { id, limit: 1 }).total;
  const byPath = (id: number) => {
    const out = new Map<string, { label: string; confidence: number; second?: { label: string; confidence: number } }>();
    for (let offset = 0; ; offset += 1000) {
      const page = listResults(store.db, { id, limit: 1000, offset });
      for (const f of page.files) out.set(f.path, f);
      if (offset + 1000 >= page.total) return out;
    }
  };
  const [aloneA, aloneB] = results.get(variants[0])!.at(-1)!.ids.map(byPath);
  const paired = byPath(results.get(variants[1])!.at(-1)!.ids[0]);
  let differences = 0;
  for (const [p, f] of paired) {
    const a = aloneA.get(p);
    const b = aloneB.get(p);
    if (!a || !b || !f.second || a.label !== f.label || b.label !== f.second.label || Math.abs(a.confidence - f.confidence) > 1e-5 || Math.abs(b.confidence - f.second.confidence) > 1e-5) differences++;
  }
  if (differences > 0 || paired.size !== aloneA.size) throw new Error(`classify-two-models bench: the two-model job's predictions differ from the one-model jobs' on ${differences} files.`);
  const files = classified(results.get(variants[1])!.at(-1)!.ids[0]);

  const summary = (v: Variant) => {
    const rs = results.get(v)!;
    const seconds = median(rs.map((r) => r.seconds));
    return {
      variant: v.name,
      seconds: round(seconds),
      filesPerSecond: round(files / seconds, 0),
      runs: rs.map((r) => round(r.seconds)),
      tokenizeMs: round(median(rs.map((r) => r.tokenizeMs)), 0),
      sessionRunMs: round(median(rs.map((r) => r.runMs)), 0),
      lagP99Ms: round(Math.max(...rs.map((r) => r.lagP99))),
    };
  };
  const [before, shared, twoTok] = variants.map(summary);
  process.stderr.write(`Both models over ${files.toLocaleString()} files, ${os.availableParallelism()} cores, median of ${repeats} alternating runs each:\n`);
  for (const s of [before, shared, twoTok]) {
    process.stderr.write(`  ${s.variant.padEnd(38)} ${String(s.seconds).padStart(6)} s  ${String(s.filesPerSecond).padStart(5)} files/s  tokenize ${s.tokenizeMs} ms, session.run ${s.sessionRunMs} ms, lag p99 <= ${s.lagP99Ms} ms (runs ${s.runs.join(', ')} s)\n`);
  }
  process.stderr.write(`  two one-model jobs / one two-model job: ${round(before.seconds / shared.seconds)}x (shared tokenizer), ${round(before.seconds / twoTok.seconds)}x (two tokenizers); same predictions.\n`);
  process.stdout.write(
    JSON.stringify({ bench: 'classify-two-models', files, before, shared, twoTokenizers: twoTok, speedup: { shared: round(before.seconds / shared.seconds), twoTokenizers: round(before.seconds / twoTok.seconds) } }) + '\n',
  );
  store.close();
} finally {
  predictor.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
