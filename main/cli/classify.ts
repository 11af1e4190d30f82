// `langlab classify <run|folder> <dir>`: classifies every text file under a folder (the walk of
// the app's Classify section: .gitignore, vendored, generated, binary and oversize files left out)
// with a run's model or an exported model folder, in batches, one line per file, then the
// language breakdown. Files below the confidence threshold (--threshold, else the default the app
// gives a job of that run) are unknown. Nothing is stored unless --store is given: then the job is
// written to the store as the app's jobs are (a row, its results batch by batch, its end), so the
// app lists it. The service's `classify.start` is not used: it runs the job in the backend's
// prediction worker and reports through events, while this command streams its lines as each
// batch comes and also takes exported model folders; the walk, the batching and the store
// operations are the same library code that job runs.

import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ClassificationExportFormat } from '../../preload/contract.ts';
import { EXPORT_FILES } from '../engine/export/manifest.ts';
import { exportedModelDir } from '../trainer/host/run-model.ts';
import { finiteNumber, UsageError } from './args.ts';
import { classifyWithPair, refusePairFlags, runPair } from './classify-pair.ts';
import { defineCommand } from './command.ts';
import { resolveModelDir } from './predict.ts';
import type { CliService } from './service.ts';

const USAGE =
  'Usage: langlab classify <run_id|exported-model-folder> <folder> [--disagreeing] [--threshold x] [--json | --format csv|json] [--store] [--int8 | --float]\n' +
  '       langlab classify <run_a>,<run_b> <folder> [--disagreeing] [--json] [--store]';

/** `--format` values: `json` is JSON lines, one object a file (so is `jsonl`). */
const FORMATS: Record<string, ClassificationExportFormat> = { csv: 'csv', json: 'jsonl', jsonl: 'jsonl' };

/** The `langlab classify` command. */
export const classifyCommand = defineCommand({
  name: 'classify',
  summary: "classify every text file under a folder with a run's model",
  options: { disagreeing: { type: 'boolean' }, threshold: { type: 'string' }, format: { type: 'string' }, store: { type: 'boolean' }, int8: { type: 'boolean' }, float: { type: 'boolean' } },
  usage: () =>
    [
      USAGE,
      "  --disagreeing  list only files whose extension names another of the model's languages; with two",
      '                 runs, only files where the two models disagree (over the labels both have)',
      "  --threshold x  files whose top probability is below x (0 to 1) are unknown; by default the run's",
      '                 own threshold (where 1% of its correct test predictions lie below), 0 for a model folder',
      '  --format f     one line a file as CSV (with a header) or JSON lines: path, label, confidence,',
      '                 runner_up, runner_up_confidence, extension_label, bytes, unknown',
      '  --store        record the job in the store, so the app lists it (nothing is stored without it)',
      "  --int8         run the model's linear layers in int8: a from-scratch run's int8 export is written",
      '                 once from its best checkpoint to <run>/model-int8, beside model/ (test accuracy',
      '                 within 0.1 point, bench/int8-accuracy.ts). The default on CPUs with VNNI; given,',
      '                 a model it cannot be written for is refused instead of run float',
      '  --float        run the float32 model/ itself',
      'With two runs each file is read once and classified by both; --json gives one line a file',
      '(path, a and b with label and confidence, agree) and a final {"summary": …} line.',
    ].join('\n'),
  async run({ values, positionals }, ctx) {
    if (positionals.length !== 2) throw new UsageError(`classify takes a run id or model folder, then one folder.\n${USAGE}`);
    const [target, given] = positionals;
    const root = path.resolve(given);
    if (!(await fsp.stat(root).catch(() => null))?.isDirectory()) throw new UsageError(`${root} is not a folder. ${USAGE}`);
    const pair = fs.existsSync(target) ? null : runPair(target);
    if (pair) {
      refusePairFlags(values);
      const service = await ctx.service();
      try {
        return await classifyWithPair({ runs: pair, root, disagreeing: values.disagreeing === true, json: values.json === true, store: values.store === true }, service);
      } finally {
        service.close();
      }
    }
    if (values.int8 && values.float) throw new UsageError('--int8 and --float both choose the precision; give one of them.');
    const givenThreshold = finiteNumber('classify', 'threshold', values.threshold);
    if (givenThreshold !== undefined && (givenThreshold < 0 || givenThreshold > 1)) {
      throw new UsageError(`--threshold ${values.threshold} is outside [0, 1]; give a probability between 0 and 1 (0 marks no file unknown).`);
    }
    let format: ClassificationExportFormat | null = null;
    if (values.format !== undefined) {
      format = FORMATS[values.format] ?? null;
      if (format === null) throw new UsageError(`--format ${values.format} is not a format; give csv or json.`);
      if (values.json) throw new UsageError('--json and --format both choose the output; give one of them.');
    }

    // The store is opened only for a run id (its model folder, its default threshold) or --store.
    const runId = /^\d+$/.test(target) && !fs.existsSync(path.join(target, EXPORT_FILES.manifest)) ? Number(target) : null;
    let service: CliService | null = null;
    if (runId !== null || values.store) service = await ctx.service();
    try {
      // Loaded here, not at start-up: onnxruntime is heavy and the other commands do not need it.
      const { Predictor } = await import('../trainer/host/predictor.ts');
      const { modelLabels } = await import('../classify/jobs.ts');
      const { CLASSIFY_INFERENCE_THREADS, CLASSIFY_WORKERS, classifyFolder } = await import('../classify/classify-folder.ts');
      const { defaultThreshold, isUnknown } = await import('../classify/threshold.ts');
      const { RateMeter } = await import('../classify/rate-meter.ts');
      const { ClassifyProgress } = await import('./classify-progress.ts');
      const { exportHeader, exportLine } = await import('../classify/export-results.ts');
      const store = await import('../store/jobs.ts');
      const db = service?.backend.store.db;
      const floatDir = runId !== null && db && service ? exportedModelDir(db, service.backend.dataDir, runId) : await resolveModelDir(target, ctx);
      const { classificationModel } = await import('../trainer/int8-export.ts');
      const model = classificationModel(floatDir, values.int8 ? 'int8' : values.float ? 'float32' : undefined);
      const modelDir = model.dir;
      const threshold = givenThreshold ?? (runId !== null && db ? defaultThreshold(db, runId) : 0);
      const labels = modelLabels(modelDir);
      // Checked before a job is stored: the worker would find it missing only at the first batch.
      if (!fs.existsSync(path.join(modelDir, EXPORT_FILES.model))) throw new UsageError(`${path.join(modelDir, EXPORT_FILES.model)} is missing: export the model again, or give another run or model folder.`);
      // The app's classification workers: the batches alternate between them, off this thread.
      const predictor = new Predictor({ workers: CLASSIFY_WORKERS });
      const jobId = values.store && db ? store.createJob(db, { runId, modelPath: modelDir, root, threshold, precision: model.precision }) : null;
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.on('SIGINT', onSigint);
      const byLabel = new Map<string, { files: number; disagree: number }>();
      let unknownFiles = 0;
      const rate = new RateMeter();
      const progress = new ClassifyProgress(process.stderr);
      let walked = false;
      try {
        if (format !== null) {
          const header = exportHeader(format);
          if (header !== null) console.log(header);
        }
        const counts = await classifyFolder({
          root,
          labels,
          signal: abort.signal,
          inFlight: 2 * CLASSIFY_WORKERS,
          predict: (texts) => predictor.predict(modelDir, texts, 3, CLASSIFY_INFERENCE_THREADS),
          onBatch: (rows, batchCounts) => {
            if (jobId !== null && db) store.addResults(db, jobId, rows, batchCounts);
            // The first call comes once the folder is walked, before any file is read.
            if (!walked) progress.found(batchCounts.total, batchCounts.skipped);
            walked = true;
            const speed = rate.update(batchCounts.done, batchCounts.total);
            // A line drawn in place is cleared while this batch's lines are printed, then drawn again.
            if (rows.length > 0) progress.done();
            for (const r of rows) {
              const unknown = isUnknown(r.confidence, threshold);
              // As the app's breakdown counts them: a file below the threshold disagrees with nothing.
              const disagree = !unknown && r.extensionLabel !== null && r.extensionLabel !== r.label;
              if (unknown) unknownFiles++;
              else {
                const entry = byLabel.get(r.label) ?? { files: 0, disagree: 0 };
                entry.files++;
                if (disagree) entry.disagree++;
                byLabel.set(r.label, entry);
              }
              if (values.disagreeing && !disagree) continue;
              if (format !== null) console.log(exportLine(format, r, threshold));
              else if (values.json) console.log(JSON.stringify({ path: r.path, label: r.label, confidence: r.confidence, extension_label: r.extensionLabel, top: r.top, unknown }));
              else console.log(`${r.path}\t${r.label}\t${(100 * r.confidence).toFixed(1)}%${unknown ? '\t(unknown: below the threshold)' : disagree ? `\t(extension says ${r.extensionLabel})` : ''}`);
            }
            if (batchCounts.done > 0) progress.update(batchCounts.done, batchCounts.total, speed);
          },
        });
        progress.done();
        if (jobId !== null && db) store.finishJob(db, jobId, 'FINISHED');
        const classified = [...byLabel.values()].reduce((n, b) => n + b.files, 0) + unknownFiles;
        const lines = [...byLabel.entries()]
          .sort((a, b) => b[1].files - a[1].files || (a[0] < b[0] ? -1 : 1))
          .map(([label, b]) => `  ${label.padEnd(16)} ${String(b.files).padStart(7)}  ${((100 * b.files) / Math.max(1, classified)).toFixed(1).padStart(5)}%${b.disagree ? `  (${b.disagree} disagree with their extension)` : ''}`);
        if (unknownFiles > 0) lines.push(`  ${'(unknown)'.padEnd(16)} ${String(unknownFiles).padStart(7)}  ${((100 * unknownFiles) / classified).toFixed(1).padStart(5)}%  (below the threshold ${threshold})`);
        const stored = jobId !== null ? `\nStored as classification job ${jobId}.` : '';
        console.error(`${classified} files classified under ${root}, ${counts.skipped} left out:\n${lines.join('\n')}${stored}`);
      } catch (err) {
        progress.done();
        if (jobId !== null && db) {
          const cancelled = abort.signal.aborted;
          store.finishJob(db, jobId, cancelled ? 'KILLED' : 'FAILED', cancelled ? 'Cancelled; the files classified before that are kept.' : (err as Error).message);
        }
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
        await predictor.close();
      }
    } finally {
      service?.close();
    }
    return 0;
  },
});
