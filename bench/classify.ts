// Classifying a folder with the from-scratch defaults' model (weights untrained: inference costs the
// same): files/s end to end (walk, read, tokenize and run in the prediction worker, store writes)
// and the main thread's event-loop lag meanwhile, against an idle bystander timer in the same run.
//   node --import tsx bench/classify.ts --folder <dir> [--labels a,b,c]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventHub } from '../main/api/events.ts';
import { ClassifyJobs } from '../main/classify/jobs.ts';
import { JobRegistry } from '../main/jobs/registry.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { initScratchWeights } from '../main/engine/models/scratch.ts';
import { getJobDetail } from '../main/store/jobs.ts';
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
  throw new Error('classify bench: --folder <dir> must name a folder to classify (e.g. the built benchmark dataset, npm run bench:dataset -- --out <dir>).');
}
const labels = (arg('labels') ?? 'cpp,groovy,java,javascript,json,python,xml,yml').split(',');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-classify-'));
const predictor = new Predictor();
try {
  const hp = defaultHyperparameters('scratch');
  const config = scratchConfigFor(hp, labels.length);
  const modelDir = path.join(dir, 'model');
  exportClassifier(modelDir, {
    family: 'scratch', config, weights: initScratchWeights(config, 1), labels,
    truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS,
  });
  const store = openStore({ file: path.join(dir, 'langlab.db') });
  const jobs = new ClassifyJobs({ db: store.db, events: new EventHub(), jobs: new JobRegistry(() => undefined), predict: (m, texts) => predictor.predict(m, texts, undefined, os.availableParallelism()) });
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const t0 = performance.now();
  const id = jobs.start({ runId: null, modelDir, root: folder });
  await jobs.settled(id);
  const seconds = (performance.now() - t0) / 1000;
  lag.disable();
  const job = getJobDetail(store.db, id)!;
  const classified = job.breakdown.reduce((n, b) => n + b.files, 0);
  store.close();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const result = {
    bench: 'classify-folder',
    cpus: os.availableParallelism(),
    status: job.status,
    classified,
    skipped: job.filesSkipped,
    seconds: Math.round(seconds * 10) / 10,
    filesPerSecond: Math.round(classified / seconds),
    mainThreadLagMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
  };
  process.stderr.write(`Classified ${classified.toLocaleString()} files in ${result.seconds} s (${result.filesPerSecond} files/s); main-thread lag p99 ${result.mainThreadLagMs.p99} ms, max ${result.mainThreadLagMs.max} ms.\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  predictor.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
