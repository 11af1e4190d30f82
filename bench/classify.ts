// Classifying a folder with the from-scratch defaults' model: files/s end to end (walk, read, tokenize
// and run in the prediction workers, store writes) and the main thread's event-loop lag meanwhile.
// Without --run the weights are untrained (one read per file costs the same) and the second look and
// the syntax rules are left out: what they cost depends on how many files a trained model is unsure
// of or puts in TypeScript or C. With --run <run folder> copies of a trained run's exports are
// classified as a run trained now exports them (second look and syntax rules on), and two more
// variants run the int8 copy without each (its `second_look` or `syntax_rules` entry taken out).
//   node --import tsx bench/classify.ts --folder <dir> [--run <run folder>] [--labels a,b,c] [--repeats N] [--levers] [--magika <model folder>]
//   node --import tsx bench/classify.ts --synthetic N [--model tiny|defaults]   (bench/classify-synthetic.ts)
//   node --import tsx bench/classify.ts --int8 --folder <dir> [--repeats N]      (bench/classify-int8.ts)
// The machine is shared, so absolute figures drift: every variant runs alternately in one process,
// `--repeats` times each (default 3), and ratios of their medians are the figures to trust. Variants:
// the one-batch-at-a-time baseline (no overlap of the stages, no batching by length, one worker on
// every core); one worker on every core but one (the previous default) and on every core; the
// batches spread over CLASSIFY_WORKERS workers (float); the int8 export on one worker and on the
// workers (the defaults: what the app and the command line run). The float variants' predictions
// are checked against the baseline's (same label for every file, confidence within 1e-5), and the
// int8 workers' against one int8 worker's. `--levers` also times inference alone (in this process,
// the folder's texts in memory) under each ONNX Runtime setting and batching choice, side by side.
// The reference is Magika's model run on the same files and cores when its folder is given
// (`--magika`, bench/classify-magika.ts); otherwise the figure measured on the same files in issue
// 16 (327-381 files/s, ONNX Runtime, 2 threads, batch 1); the target is 1.5x.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventHub } from '../main/api/events.ts';
import { CLASSIFY_INFERENCE_THREADS, CLASSIFY_WORKERS, type ClassifyTiming, emptyTiming } from '../main/classify/classify-folder.ts';
import { ClassifyJobs } from '../main/classify/jobs.ts';
import { Classifier, type ClassifierOptions } from '../main/engine/export/classifier.ts';
import { JobRegistry } from '../main/jobs/registry.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { EXPORT_FILES, type ExportManifest } from '../main/engine/export/manifest.ts';
import { initScratchWeights } from '../main/engine/models/scratch.ts';
import { getJobDetail } from '../main/store/jobs.ts';
import { openStore } from '../main/store/store.ts';
import { Predictor } from '../main/trainer/host/predictor.ts';
import { int8ModelDir } from '../main/trainer/int8-export.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from '../main/trainer/model.ts';
import { defaultHyperparameters } from '../preload/hyperparameters.ts';
import { int8Bench } from './classify-int8.ts';
import { magikaRates } from './classify-magika.ts';
import { syntheticBench } from './classify-synthetic.ts';

const MAGIKA_FILES_PER_SECOND = 381;
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const folder = arg('folder');
const synthetic = arg('synthetic');
if (synthetic === undefined && (!folder || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())) {
  throw new Error('classify bench: --folder <dir> must name a folder to classify (e.g. the built benchmark dataset, npm run bench:dataset -- --out <dir>), or --synthetic N generate one of N files.');
}
const labels = (arg('labels') ?? 'cpp,groovy,java,javascript,json,python,xml,yml').split(',');
const repeats = Number(arg('repeats') ?? 3);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`classify bench: --repeats must be a positive integer, got ${arg('repeats')}.`);
const cpus = os.availableParallelism();
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Variant {
  name: string;
  pipeline: boolean;
  lengthBuckets: boolean;
  batchSize: number;
  /** Prediction workers the batches are spread over, and each one's intra-op threads. */
  workers: number;
  threads: number;
  /** The int8 export of the same weights (the classification default) instead of the float32 one. */
  int8?: boolean;
  /** With --run: the int8 export without its second look, or without its syntax rules. */
  without?: 'second look' | 'syntax rules';
}
const BASELINE: Variant = { name: 'one batch at a time (before)', pipeline: false, lengthBuckets: false, batchSize: 16, workers: 1, threads: cpus };
// With the stages overlapped the main thread reads while the worker runs: the worker gets one core fewer.
const ONE_WORKER: Variant = { name: `1 worker x ${Math.max(1, cpus - 1)} thread(s), float`, pipeline: true, lengthBuckets: true, batchSize: 16, workers: 1, threads: Math.max(1, cpus - 1) };
const ONE_WORKER_ALL: Variant = { ...ONE_WORKER, name: `1 worker x ${cpus} threads, float`, threads: cpus };
const FLOAT: Variant = { ...ONE_WORKER, name: `${CLASSIFY_WORKERS} workers x ${CLASSIFY_INFERENCE_THREADS} thread(s), float`, workers: CLASSIFY_WORKERS, threads: CLASSIFY_INFERENCE_THREADS };
/** What the app and the command line do: int8, batches spread over the workers. */
const DEFAULTS: Variant = { ...FLOAT, name: `defaults: ${CLASSIFY_WORKERS} workers x ${CLASSIFY_INFERENCE_THREADS} thread(s), int8`, int8: true };
const ONE_WORKER_INT8: Variant = { ...ONE_WORKER, name: `1 worker x ${Math.max(1, cpus - 1)} thread(s), int8`, int8: true };
const NO_SECOND_LOOK: Variant = { ...DEFAULTS, name: 'defaults without the second look', without: 'second look' };
const NO_SYNTAX_RULES: Variant = { ...DEFAULTS, name: 'defaults without the syntax rules', without: 'syntax rules' };
const runFolder = arg('run');

if (process.argv.includes('--int8')) await int8Bench(folder!, labels, repeats);
else if (synthetic !== undefined) await syntheticBench(Number(synthetic), { model: arg('model') ?? 'tiny', keepTree: process.argv.includes('--keep-tree') });
else await folderBench();

/** The benchmark on a folder: the baseline, one worker, the workers, float and int8, alternately. */
async function folderBench() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-classify-'));
  // One predictor per worker count, so a variant's workers keep their models loaded between its runs.
  const predictors = new Map<number, Predictor>();
  const predictorFor = (workers: number) => {
    let p = predictors.get(workers);
    if (!p) predictors.set(workers, (p = new Predictor({ workers })));
    return p;
  };
  try {
    const { modelDir, int8Dir, noLookDir, noRulesDir } = benchModels(dir);
    const store = openStore({ file: path.join(dir, 'langlab.db') });

    const runOnce = async (v: Variant) => {
      const timing: ClassifyTiming = emptyTiming();
      const predictor = predictorFor(v.workers);
      const worker0 = { ...predictor.timing };
      const jobs = new ClassifyJobs({
        db: store.db, events: new EventHub(), jobs: new JobRegistry(() => undefined),
        predict: (m, texts) => predictor.predict(m, texts, undefined, v.threads, { batchSize: v.batchSize, lengthBuckets: v.lengthBuckets }),
        folderOptions: { pipeline: v.pipeline, timing, inFlight: 2 * v.workers },
      });
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const t0 = performance.now();
      const model = v.without === 'second look' ? noLookDir! : v.without === 'syntax rules' ? noRulesDir! : v.int8 ? int8Dir : modelDir;
      const id = jobs.start({ runId: null, modelDir: model, root: folder! });
      await jobs.settled(id);
      const seconds = (performance.now() - t0) / 1000;
      lag.disable();
      const job = getJobDetail(store.db, id)!;
      if (job.status !== 'FINISHED') throw new Error(`classify bench: the job ended ${job.status}: ${job.error}`);
      const classified = job.breakdown.reduce((n, b) => n + b.files, 0);
      const perFile = (x: number) => round((x / classified) * 1000, 0);
      return {
        id, classified, skipped: job.filesSkipped, seconds, filesPerSecond: classified / seconds,
        lag: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
        // Microseconds per classified file in each stage (main thread; the worker's two run alongside).
        usPerFile: {
          walk: perFile(timing.walk), read: perFile(timing.read), decode: perFile(timing.decode),
          tokenize: perFile(predictor.timing.tokenizeMs - worker0.tokenizeMs), 'session.run': perFile(predictor.timing.runMs - worker0.runMs),
          store: perFile(timing.store), waitingOnWorker: perFile(timing.predictWait),
        },
      };
    };

    // A first run of each model and worker count warms the file cache and loads the models; not counted.
    await runOnce(FLOAT);
    await runOnce(DEFAULTS);
    await runOnce(ONE_WORKER);
    await runOnce(ONE_WORKER_INT8);
    const variants = [BASELINE, ONE_WORKER, ONE_WORKER_ALL, FLOAT, ONE_WORKER_INT8, DEFAULTS, ...(noLookDir ? [NO_SECOND_LOOK, NO_SYNTAX_RULES] : [])];
    const runs = new Map<Variant, Awaited<ReturnType<typeof runOnce>>[]>(variants.map((v) => [v, []]));
    for (let r = 0; r < repeats; r++) {
      for (const v of r % 2 ? [...variants].reverse() : variants) runs.get(v)!.push(await runOnce(v));
    }

    // Same predictions: every file's label and confidence in the last job of each float variant
    // against the last baseline's (the workers must give the same answers, in the same places).
    const rowsOf = (id: number) => new Map((store.db.prepare('SELECT path, label, confidence FROM classification_results WHERE job_id = ?').all(id) as { path: string; label: string; confidence: number }[]).map((r) => [r.path, r]));
    const compare = (before: Map<string, { label: string; confidence: number }>, after: Map<string, { label: string; confidence: number }>) => {
      let labelChanges = after.size === before.size ? 0 : Math.abs(after.size - before.size);
      let maxConfidenceDelta = 0;
      for (const [p, b] of before) {
        const a = after.get(p);
        if (!a || a.label !== b.label) labelChanges++;
        else maxConfidenceDelta = Math.max(maxConfidenceDelta, Math.abs(a.confidence - b.confidence));
      }
      return { labelChanges, maxConfidenceDelta };
    };
    const before = rowsOf(runs.get(BASELINE)!.at(-1)!.id);
    let maxConfidenceDelta = 0;
    for (const v of [ONE_WORKER, ONE_WORKER_ALL, FLOAT]) {
      const c = compare(before, rowsOf(runs.get(v)!.at(-1)!.id));
      if (c.labelChanges > 0 || c.maxConfidenceDelta > 1e-5) {
        throw new Error(`classify bench: ${v.name} predicts otherwise than the baseline (${c.labelChanges} files differ, max confidence change ${c.maxConfidenceDelta}).`);
      }
      maxConfidenceDelta = Math.max(maxConfidenceDelta, c.maxConfidenceDelta);
    }
    // int8 against float (random weights: near-ties flip, so this is reported, not required).
    const int8Agreement = compare(rowsOf(runs.get(FLOAT)!.at(-1)!.id), rowsOf(runs.get(DEFAULTS)!.at(-1)!.id));
    const int8Workers = compare(rowsOf(runs.get(ONE_WORKER_INT8)!.at(-1)!.id), rowsOf(runs.get(DEFAULTS)!.at(-1)!.id));
    if (int8Workers.labelChanges > 0 || int8Workers.maxConfidenceDelta > 1e-5) {
      throw new Error(`classify bench: the int8 workers predict otherwise than one int8 worker (${int8Workers.labelChanges} files differ, max confidence change ${int8Workers.maxConfidenceDelta}).`);
    }

    const summary = (v: Variant) => {
      const rs = runs.get(v)!;
      const stage = Object.fromEntries(Object.keys(rs[0].usPerFile).map((k) => [k, median(rs.map((r) => r.usPerFile[k as keyof typeof r.usPerFile]))]));
      const filesPerSecond = round(median(rs.map((r) => r.filesPerSecond)), 0);
      return {
        variant: v.name,
        filesPerSecond,
        ratioToMagika: round(filesPerSecond / MAGIKA_FILES_PER_SECOND, 2),
        runs: rs.map((r) => round(r.filesPerSecond, 0)),
        lagP99Ms: round(Math.max(...rs.map((r) => r.lag.p99)), 2),
        usPerFile: stage,
      };
    };
    const all = variants.map(summary);
    const [b, one, oneAll, f, oneInt8, d, noLook, noRules] = all;
    const last = runs.get(DEFAULTS)!.at(-1)!;
    process.stderr.write(`Classifying ${last.classified.toLocaleString()} files (${last.skipped} left out), ${cpus} cores, load ${os.loadavg().map((x) => round(x, 2)).join(' ')}, median of ${repeats} alternating runs each:\n`);
    for (const s of all) {
      process.stderr.write(`  ${s.variant.padEnd(40)} ${String(s.filesPerSecond).padStart(5)} files/s = ${s.ratioToMagika.toFixed(2)}x Magika (runs ${s.runs.join(', ')}), lag p99 <= ${s.lagP99Ms} ms\n`);
      process.stderr.write(`    us per file: ${Object.entries(s.usPerFile).map(([k, x]) => `${k} ${x}`).join(', ')}\n`);
    }
    process.stderr.write(`  defaults/before ${round(d.filesPerSecond / b.filesPerSecond, 2)}x; defaults/Magika (${MAGIKA_FILES_PER_SECOND} files/s, issue 16's figure) ${round(d.filesPerSecond / MAGIKA_FILES_PER_SECOND, 2)}x (target 1.5x = ${1.5 * MAGIKA_FILES_PER_SECOND} files/s).\n`);
    process.stderr.write(`  float: workers/one worker ${round(f.filesPerSecond / one.filesPerSecond, 2)}x, same predictions as the baseline (max confidence change ${maxConfidenceDelta.toExponential(1)}); int8: workers/one worker ${round(d.filesPerSecond / oneInt8.filesPerSecond, 2)}x, int8/float ${round(d.filesPerSecond / f.filesPerSecond, 2)}x.\n`);
    process.stderr.write(`  int8 vs float labels: ${int8Agreement.labelChanges} of ${last.classified} differ (${runFolder ? `the run ${runFolder}` : 'untrained weights, near-ties'}; bench/int8-accuracy.ts measures a trained run's accuracy).\n`);
    if (noLook && noRules) {
      process.stderr.write(`  the second look costs: defaults/without it ${round(d.filesPerSecond / noLook.filesPerSecond, 2)}x; the syntax rules: defaults/without them ${round(d.filesPerSecond / noRules.filesPerSecond, 2)}x.\n`);
    } else process.stderr.write('  untrained weights without the second look and the syntax rules: pass --run <run folder> to measure a trained model with them.\n');

    // Magika's model on the same files and cores, when its folder is given: the reference becomes its batch-1 figure.
    let magika: { filesPerSecond: number; source: string; ratio: number; target: number; batched?: unknown } = {
      filesPerSecond: MAGIKA_FILES_PER_SECOND, source: 'issue 16 (no Magika model given: --magika <folder>)', ratio: round(d.filesPerSecond / MAGIKA_FILES_PER_SECOND, 2), target: 1.5,
    };
    const magikaDir = arg('magika');
    if (magikaDir !== undefined) {
      const bytes = [...rowsOf(last.id).keys()].map((p) => fs.readFileSync(path.join(folder!, p)));
      const m = await magikaRates(magikaDir, bytes, { threads: cpus, batchSizes: [1, 64], repeats });
      const one = m.rates.find((r) => r.batch === 1)!.filesPerSecond;
      magika = { filesPerSecond: one, source: `${magikaDir}, ONNX Runtime, ${cpus} threads, batch 1, files in memory`, ratio: round(d.filesPerSecond / one, 2), target: 1.5, batched: m.rates };
      process.stderr.write(`Magika's model (${magikaDir}) on the same ${bytes.length} files in memory, ${cpus} threads: ${m.rates.map((r) => `batch ${r.batch} ${r.filesPerSecond} files/s`).join(', ')}; defaults end to end / Magika batch 1 = ${magika.ratio}x (target 1.5x).\n`);
    }

    let levers: unknown;
    if (process.argv.includes('--levers')) levers = await inferenceLevers(modelDir, rowsOf(last.id));
    store.close();

    const lagAll = runs.get(DEFAULTS)!;
    const result = {
      bench: 'classify-folder',
      cpus,
      loadAverage: os.loadavg().map((x) => round(x, 2)),
      status: 'FINISHED',
      classified: last.classified,
      skipped: last.skipped,
      seconds: round(median(lagAll.map((r) => r.seconds))),
      filesPerSecond: d.filesPerSecond,
      mainThreadLagMs: { p50: round(median(lagAll.map((r) => r.lag.p50)), 2), p99: round(Math.max(...lagAll.map((r) => r.lag.p99)), 2), max: round(Math.max(...lagAll.map((r) => r.lag.max)), 2) },
      baseline: b,
      defaults: d,
      oneWorker: one,
      oneWorkerAllCores: oneAll,
      float: { ...f, ratioToOneWorker: round(f.filesPerSecond / one.filesPerSecond, 2) },
      oneWorkerInt8: oneInt8,
      model: runFolder ? { run: runFolder, secondLook: true, syntaxRules: true } : { run: null, secondLook: false, syntaxRules: false },
      ...(noLook ? { withoutSecondLook: { ...noLook, ratioOfDefaults: round(d.filesPerSecond / noLook.filesPerSecond, 2) } } : {}),
      ...(noRules ? { withoutSyntaxRules: { ...noRules, ratioOfDefaults: round(d.filesPerSecond / noRules.filesPerSecond, 2) } } : {}),
      int8: { ratioToFloat: round(d.filesPerSecond / f.filesPerSecond, 2), labelsDifferingFromFloat: int8Agreement.labelChanges },
      speedup: round(d.filesPerSecond / b.filesPerSecond, 2),
      magika,
      ...(levers ? { levers } : {}),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await Promise.all([...predictors.values()].map((p) => p.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The float and int8 exports the variants classify with: copies of a trained run's into `dir`, with
 * the syntax rules on as a run trained now exports them (and copies of the int8 one without its
 * second look and without the syntax rules), or the defaults' untrained weights exported into `dir`.
 */
function benchModels(dir: string): { modelDir: string; int8Dir: string; noLookDir: string | null; noRulesDir: string | null } {
  if (runFolder !== undefined) {
    const runModel = path.join(path.resolve(runFolder), 'model');
    if (!fs.existsSync(path.join(runModel, EXPORT_FILES.manifest))) throw new Error(`classify bench: --run ${runFolder} has no exported model (model/${EXPORT_FILES.manifest}); pass a finished run's folder.`);
    const runInt8 = int8ModelDir(runModel);
    const copy = (from: string, name: string, edit: (m: ExportManifest) => ExportManifest) => {
      const to = path.join(dir, name);
      fs.cpSync(from, to, { recursive: true });
      const manifestFile = path.join(to, EXPORT_FILES.manifest);
      fs.writeFileSync(manifestFile, JSON.stringify(edit(JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as ExportManifest)));
      return to;
    };
    return {
      modelDir: copy(runModel, 'model', (m) => ({ ...m, syntax_rules: true })),
      int8Dir: copy(runInt8, 'model-int8', (m) => ({ ...m, syntax_rules: true })),
      noLookDir: copy(runInt8, 'model-int8-no-second-look', ({ second_look: _dropped, ...m }) => ({ ...m, syntax_rules: true })),
      noRulesDir: copy(runInt8, 'model-int8-no-syntax-rules', ({ syntax_rules: _dropped, ...m }) => m),
    };
  }
  const hp = defaultHyperparameters('scratch');
  const config = scratchConfigFor(hp, labels.length);
  const spec = { family: 'scratch', config, weights: initScratchWeights(config, 1), labels, truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS } as const;
  const modelDir = path.join(dir, 'model');
  exportClassifier(modelDir, spec);
  const int8Dir = path.join(dir, 'model-int8');
  exportClassifier(int8Dir, spec, { quantize: 'int8' });
  return { modelDir, int8Dir, noLookDir: null, noRulesDir: null };
}

/** Inference alone on the folder's texts (already in memory), under each setting, alternately; files/s medians. */
async function inferenceLevers(modelDir: string, classifiedPaths: Map<string, unknown>) {
  const texts = [...classifiedPaths.keys()].map((p) => fs.readFileSync(path.join(folder!, p), 'utf8'));
  const settings: { name: string; session: ClassifierOptions; batchSize: number; lengthBuckets: boolean }[] = [
    { name: `intra ${cpus}, all, batch 16, in order`, session: { intraOpNumThreads: cpus }, batchSize: 16, lengthBuckets: false },
    { name: `intra ${cpus}, all, batch 16, by length`, session: { intraOpNumThreads: cpus }, batchSize: 16, lengthBuckets: true },
    { name: `intra ${cpus}, all, batch 64, by length`, session: { intraOpNumThreads: cpus }, batchSize: 64, lengthBuckets: true },
    { name: `intra ${cpus}, all, batch 4, by length`, session: { intraOpNumThreads: cpus }, batchSize: 4, lengthBuckets: true },
    { name: `intra 1, all, batch 16, by length`, session: { intraOpNumThreads: 1 }, batchSize: 16, lengthBuckets: true },
    { name: `intra ${cpus}, inter 1, all, batch 16, by length`, session: { intraOpNumThreads: cpus, interOpNumThreads: 1 }, batchSize: 16, lengthBuckets: true },
    { name: `intra ${cpus}, extended, batch 16, by length`, session: { intraOpNumThreads: cpus, graphOptimizationLevel: 'extended' }, batchSize: 16, lengthBuckets: true },
    { name: `intra ${cpus}, basic, batch 16, by length`, session: { intraOpNumThreads: cpus, graphOptimizationLevel: 'basic' }, batchSize: 16, lengthBuckets: true },
  ];
  const loaded = await Promise.all(settings.map((s) => Classifier.load(modelDir, s.session)));
  const rates = settings.map(() => [] as number[]);
  for (let r = 0; r < 2; r++) {
    for (let k = 0; k < settings.length; k++) {
      const t0 = performance.now();
      await loaded[k].probabilities(texts, settings[k].batchSize, { lengthBuckets: settings[k].lengthBuckets });
      rates[k].push(texts.length / ((performance.now() - t0) / 1000));
    }
  }
  await Promise.all(loaded.map((c) => c.close()));
  const out = settings.map((s, k) => ({ setting: s.name, filesPerSecond: round(median(rates[k]), 0), tokenizeMs: round(loaded[k].timing.tokenizeMs, 0), runMs: round(loaded[k].timing.runMs, 0) }));
  process.stderr.write(`Inference alone on ${texts.length} texts in memory (median of 2 alternating passes):\n`);
  for (const o of out) process.stderr.write(`  ${o.setting.padEnd(40)} ${String(o.filesPerSecond).padStart(5)} files/s (tokenize ${o.tokenizeMs} ms, run ${o.runMs} ms over both passes)\n`);
  return out;
}
