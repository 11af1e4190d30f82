// `npm run bench:classify -- --synthetic N`: a generated tree of N small files in eight languages,
// with the hazards a real repository can hold (a 1 GB single-line file, a symlink loop ten folders
// deep, folders that link to each other), classified by a job as the app runs it (walk, read,
// prediction worker, store), then a second job cancelled halfway. Prints peak memory, the main
// thread's event-loop lag, files/s, the progress events' files/s and time left, and how long the
// cancel took to end the job, each against issue 16's target.
//   node --import tsx bench/classify.ts --synthetic 100000 [--model tiny|defaults] [--keep-tree]
// The model is a from-scratch classifier with random weights (inference costs what a trained one
// does): `tiny` (default; d_model 64, 2 layers) keeps the run short on a shared machine, `defaults`
// is the size a new run trains. Peak memory is the process's: the prediction worker is a thread of it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { JobInfo, JobOf } from '../preload/contract.ts';
import { defaultHyperparameters } from '../preload/hyperparameters.ts';
import { EventHub } from '../main/api/events.ts';
import { CLASSIFY_INFERENCE_THREADS } from '../main/classify/classify-folder.ts';
import { ClassifyJobs } from '../main/classify/jobs.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../main/engine/models/scratch.ts';
import { JobRegistry } from '../main/jobs/registry.ts';
import { getJobDetail, leftOutReasons, listLeftOut } from '../main/store/jobs.ts';
import { openStore } from '../main/store/store.ts';
import { Predictor } from '../main/trainer/host/predictor.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from '../main/trainer/model.ts';

/** Issue 16's targets for a 100,000-file tree. */
const TARGETS = { peakRssMb: 1536, lagP99Ms: 20, cancelMs: 1000 };
const LABELS = ['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml'];
const FILES_PER_FOLDER = 100;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** A small, distinct source text of file `i` in `label`'s language, with its extension. */
function source(label: string, i: number): { ext: string; text: string } {
  const n = `item${i}`;
  switch (label) {
    case 'cpp':
      return { ext: 'cpp', text: `#include <vector>\n#include <string>\n\nnamespace pkg${i % 50} {\nint ${n}(const std::vector<int>& xs) {\n  int total = ${i};\n  for (auto x : xs) total += x * ${i % 7};\n  return total;\n}\n}  // namespace pkg${i % 50}\n` };
    case 'groovy':
      return { ext: 'groovy', text: `package pkg${i % 50}\n\nclass Task${i} {\n    String name = '${n}'\n    def run(List<Integer> xs) {\n        xs.collect { it * ${i % 9} }.sum() ?: 0\n    }\n}\n` };
    case 'java':
      return { ext: 'java', text: `package pkg${i % 50};\n\nimport java.util.List;\n\npublic final class Task${i} {\n    private final int seed = ${i};\n\n    public int run(List<Integer> xs) {\n        int total = seed;\n        for (int x : xs) total += x;\n        return total;\n    }\n}\n` };
    case 'javascript':
      return { ext: 'js', text: `import { helper } from './helper${i % 10}.js';\n\nexport function ${n}(xs) {\n  let total = ${i};\n  for (const x of xs) total += helper(x) * ${i % 5};\n  return total;\n}\n` };
    case 'json':
      return { ext: 'json', text: `{\n  "name": "${n}",\n  "version": "1.${i % 30}.0",\n  "tags": ["a${i % 3}", "b${i % 5}"],\n  "enabled": ${i % 2 === 0},\n  "weight": ${(i % 97) / 10}\n}\n` };
    case 'python':
      return { ext: 'py', text: `from collections import defaultdict\n\n\ndef ${n}(xs):\n    counts = defaultdict(int)\n    for x in xs:\n        counts[x % ${(i % 7) + 2}] += 1\n    return sum(counts.values()) + ${i}\n` };
    case 'xml':
      return { ext: 'xml', text: `<?xml version="1.0" encoding="UTF-8"?>\n<config name="${n}">\n  <entry key="seed" value="${i}"/>\n  <entry key="mode" value="m${i % 4}"/>\n</config>\n` };
    default:
      return { ext: 'yml', text: `name: ${n}\nversion: 1.${i % 30}.0\nsteps:\n  - run: make build-${i % 6}\n  - run: make test\nenv:\n  SEED: "${i}"\n` };
  }
}

/** Writes `count` files under `root` (a hundred a folder, two levels), then the hazards; returns what the hazards should be left out as. */
function makeTree(root: string, count: number): Map<string, string> {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `pkg${String(Math.floor(i / (FILES_PER_FOLDER * 20))).padStart(3, '0')}`, `mod${String(Math.floor(i / FILES_PER_FOLDER) % 20).padStart(2, '0')}`);
    if (i % FILES_PER_FOLDER === 0) fs.mkdirSync(dir, { recursive: true });
    const { ext, text } = source(LABELS[i % LABELS.length], i);
    fs.writeFileSync(path.join(dir, `file${i}.${ext}`), text);
  }
  const hazards = path.join(root, 'hazards');
  fs.mkdirSync(hazards);
  // A 1 GB file on one line, sparse: a few bytes, then a hole.
  const huge = path.join(hazards, 'bundle.js');
  fs.writeFileSync(huge, 'var bundle = "');
  fs.truncateSync(huge, 1024 ** 3);
  // Ten folders down, a link back to the tree's root.
  const deep = path.join(hazards, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, 'leaf.py'), 'def leaf():\n    return 1\n');
  fs.symlinkSync('../'.repeat(11), path.join(deep, 'back'));
  // Two folders that link to each other, and a link to a folder of the tree.
  fs.mkdirSync(path.join(hazards, 'left'));
  fs.mkdirSync(path.join(hazards, 'right'));
  fs.symlinkSync('../right', path.join(hazards, 'left', 'to-right'));
  fs.symlinkSync('../left', path.join(hazards, 'right', 'to-left'));
  return new Map([
    ['hazards/bundle.js', 'oversize'],
    ['hazards/a/b/c/d/e/f/g/h/i/j/back/', 'symlink-loop'],
    ['hazards/left/to-right/', 'symlink-repeat'],
    ['hazards/right/to-left/', 'symlink-repeat'],
  ]);
}

function exportModel(dir: string, size: string): { modelDir: string; parameters: string } {
  const config = size === 'defaults'
    ? scratchConfigFor(defaultHyperparameters('scratch'), LABELS.length)
    : scratchConfig(LABELS.length, { d_model: 64, num_layers: 2, num_heads: 4, dim_feedforward: 128, max_length: 256 });
  const modelDir = path.join(dir, 'model');
  exportClassifier(modelDir, { family: 'scratch', config, weights: initScratchWeights(config, 1), labels: LABELS, truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS });
  return { modelDir, parameters: `d_model ${config.d_model}, ${config.num_layers} layers, ${config.num_heads} heads, max_length ${config.max_length}` };
}

export async function syntheticBench(count: number, options: { model: string; keepTree: boolean }): Promise<void> {
  if (!Number.isInteger(count) || count < 100) throw new Error(`classify bench: --synthetic takes a number of files, 100 or more; got ${count}.`);
  if (options.model !== 'tiny' && options.model !== 'defaults') throw new Error(`classify bench: --model is tiny or defaults; got ${options.model}.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-synthetic-'));
  const root = path.join(dir, 'tree');
  const predictor = new Predictor();
  try {
    const t0 = performance.now();
    const hazards = makeTree(root, count);
    const { modelDir, parameters } = exportModel(dir, options.model);
    process.stderr.write(`Wrote ${count.toLocaleString()} files and ${hazards.size} hazards under ${root} in ${round((performance.now() - t0) / 1000)} s; model ${options.model} (${parameters}), worker on ${CLASSIFY_INFERENCE_THREADS} thread(s) of ${os.availableParallelism()}.\n`);

    const store = openStore({ file: path.join(dir, 'langlab.db'), checkpointInWorker: true });
    const events: JobOf<'classify'>[] = [];
    let onEvent: (info: JobOf<'classify'>) => void = () => undefined;
    const registry = new JobRegistry((info: JobInfo) => {
      if (info.kind !== 'classify') return;
      events.push(info);
      onEvent(info);
    });
    const jobs = new ClassifyJobs({ db: store.db, events: new EventHub(), jobs: registry, predict: (m, texts) => predictor.predict(m, texts, undefined, CLASSIFY_INFERENCE_THREADS) });
    const rssBefore = process.memoryUsage().rss;
    // The machine's own scheduling noise, side by side: the same lag measure over 3 s with no job.
    const idle = monitorEventLoopDelay({ resolution: 5 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 3000));
    idle.disable();
    const idleLagMs = { p50: round(idle.percentile(50) / 1e6, 2), p99: round(idle.percentile(99) / 1e6, 2), max: round(idle.max / 1e6, 1) };

    // The whole tree, as the app classifies it; memory sampled every 100 ms on top of the kernel's peak.
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const start = performance.now();
    const id = jobs.start({ runId: null, modelDir, root });
    await jobs.settled(id);
    const seconds = (performance.now() - start) / 1000;
    lag.disable();
    clearInterval(sampler);
    const job = getJobDetail(store.db, id)!;
    if (job.status !== 'FINISHED') throw new Error(`classify bench: the job ended ${job.status}: ${job.error}`);
    const classified = job.breakdown.reduce((n, b) => n + b.files, 0) + job.unknown.files;
    const running = events.filter((e) => e.storeId === id && e.status === 'running' && e.filesDone > 0);
    const withRate = running.filter((e) => e.filesPerSecond !== null);
    const mid = withRate[Math.floor(withRate.length / 2)];

    // Each hazard left out with its reason.
    const reasons = new Map(leftOutReasons(store.db, id).flatMap((g) => listLeftOut(store.db, id, g.reason, 0, 1000).files.map((f) => [f, g.reason] as const)));
    const hazardsSeen = Object.fromEntries([...hazards.keys()].map((p) => [p, reasons.get(p) ?? null]));
    const hazardsOk = [...hazards].every(([p, reason]) => reasons.get(p) === reason);

    // A second job, cancelled once half its files are done: the time from the cancel to its end.
    const cancelled = await new Promise<{ id: number; cancelMs: number; doneAtCancel: number }>((resolve, reject) => {
      let asked = false;
      const second = jobs.start({ runId: null, modelDir, root });
      onEvent = (info) => {
        if (asked || info.storeId !== second || info.filesTotal === 0 || info.filesDone < info.filesTotal / 2) return;
        asked = true;
        const t = performance.now();
        jobs.cancel(second);
        jobs.settled(second).then(() => resolve({ id: second, cancelMs: performance.now() - t, doneAtCancel: info.filesDone }), reject);
      };
    });
    const killed = getJobDetail(store.db, cancelled.id)!;
    // The cancelled job let go of the batch the worker had; its answer comes before this one's, so
    // the worker is idle when it is closed.
    await predictor.predict(modelDir, ['x = 1'], undefined, CLASSIFY_INFERENCE_THREADS);
    const rssKernelPeak = process.resourceUsage().maxRSS * 1024;
    store.close();

    const peakRssMb = round(Math.max(rssPeak, rssKernelPeak) / 2 ** 20, 0);
    const lagMs = { p50: round(lag.percentile(50) / 1e6, 2), p99: round(lag.percentile(99) / 1e6, 2), max: round(lag.max / 1e6, 1) };
    const filesPerSecond = round(classified / seconds, 0);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const say = (s: string) => process.stderr.write(`${s}\n`);
    say(`Classified ${classified.toLocaleString()} files (${job.filesSkipped} left out) in ${round(seconds)} s: ${filesPerSecond} files/s end to end.`);
    say(`  peak memory (RSS, process with its worker thread) ${peakRssMb} MB (${round(rssBefore / 2 ** 20, 0)} MB before the job); target < ${TARGETS.peakRssMb} MB: ${verdict(peakRssMb < TARGETS.peakRssMb)}`);
    say(`  main-thread event-loop lag p50 ${lagMs.p50} ms, p99 ${lagMs.p99} ms, max ${lagMs.max} ms; target p99 < ${TARGETS.lagP99Ms} ms: ${verdict(lagMs.p99 < TARGETS.lagP99Ms)}`);
    say(`    with no job, just before (the machine's own noise; each figure includes the 5 ms sampling interval): p50 ${idleLagMs.p50} ms, p99 ${idleLagMs.p99} ms, max ${idleLagMs.max} ms`);
    say(`  progress: ${running.length} job.progress events while running; halfway they said ${mid ? `${mid.filesDone.toLocaleString()} of ${mid.filesTotal.toLocaleString()} files, ${round(mid.filesPerSecond!, 0)} files/s, ${round(mid.etaSeconds ?? NaN, 0)} s left` : 'nothing'}`);
    say(`  cancel at ${cancelled.doneAtCancel.toLocaleString()} of ${killed.filesTotal.toLocaleString()} files: the job ended ${killed.status} ${round(cancelled.cancelMs, 0)} ms later; target < ${TARGETS.cancelMs} ms: ${verdict(cancelled.cancelMs < TARGETS.cancelMs && killed.status === 'KILLED')}`);
    say(`  hazards left out: ${Object.entries(hazardsSeen).map(([p, r]) => `${p} ${r ?? 'NOT left out'}`).join(', ')}`);
    say(`  load average ${os.loadavg().map((x) => round(x, 2)).join(', ')} on ${os.availableParallelism()} cores`);

    const result = {
      bench: 'classify-synthetic',
      files: count,
      model: { size: options.model, parameters },
      cpus: os.availableParallelism(),
      status: job.status,
      classified,
      skipped: job.filesSkipped,
      seconds: round(seconds),
      filesPerSecond,
      mainThreadLagMs: lagMs,
      idleLagMs,
      peakRssMb,
      progress: { events: running.length, halfway: mid ? { filesDone: mid.filesDone, filesTotal: mid.filesTotal, filesPerSecond: round(mid.filesPerSecond!, 0), etaSeconds: round(mid.etaSeconds ?? NaN, 0) } : null },
      cancel: { status: killed.status, ms: round(cancelled.cancelMs, 0), filesDoneAtCancel: cancelled.doneAtCancel },
      hazards: { leftOut: hazardsSeen, ok: hazardsOk },
      targets: TARGETS,
      met: { peakRss: peakRssMb < TARGETS.peakRssMb, lagP99: lagMs.p99 < TARGETS.lagP99Ms, cancel: cancelled.cancelMs < TARGETS.cancelMs && killed.status === 'KILLED', hazards: hazardsOk },
      loadAverage: os.loadavg().map((x) => round(x, 2)),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    predictor.close();
    if (options.keepTree) process.stderr.write(`Kept ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}
