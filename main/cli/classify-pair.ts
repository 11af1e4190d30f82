// `langlab classify <runA>,<runB> <folder>`: every text file under the folder is read once and
// classified by both runs' models (one tokenizing pass when their tokenizers are the same). One
// line per file, or with --disagreeing only the files where the two top labels differ (over the
// labels both models have), then a summary. --store records the job as the app's two-run jobs are.
import type { CliService } from './service.ts';
import { UsageError } from './args.ts';

/** `<runA>,<runB>`: two run ids, or null when the target is not a pair. */
export function runPair(target: string): [number, number] | null {
  const m = /^(\d+),(\d+)$/.exec(target);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export interface PairOptions {
  runs: [number, number];
  root: string;
  disagreeing: boolean;
  json: boolean;
  store: boolean;
}

/** Classifies `root` with both runs' models; prints as it goes; answers the exit status. */
export async function classifyWithPair(o: PairOptions, service: CliService): Promise<number> {
  const [runA, runB] = o.runs;
  const db = service.backend.store.db;
  const { runPairModels } = await import('../classify/run-pair.ts');
  const pair = runPairModels(db, service.backend.dataDir, runA, runB);
  // Loaded here, not at start-up: onnxruntime is heavy and the other commands do not need it.
  const { Classifier } = await import('../engine/export/classifier.ts');
  const { predictTogether } = await import('../engine/export/predict-together.ts');
  const { CLASSIFY_INFERENCE_THREADS, classifyFolder } = await import('../classify/classify-folder.ts');
  const { defaultThreshold } = await import('../classify/threshold.ts');
  const { labelOverlap } = await import('../store/job-comparison.ts');
  const store = await import('../store/jobs.ts');

  const overlap = labelOverlap(pair.a.labels, pair.b.labels);
  const labelNote =
    overlap.onlyA.length + overlap.onlyB.length === 0
      ? null
      : `Runs ${runA} and ${runB} have different labels: compared over the ${overlap.shared.length} both have (${overlap.shared.join(', ')})` +
        (overlap.onlyA.length ? `; only run ${runA} has ${overlap.onlyA.join(', ')}` : '') +
        (overlap.onlyB.length ? `; only run ${runB} has ${overlap.onlyB.join(', ')}` : '') +
        '. A file either model puts in a label the other lacks is not counted as a disagreement.';
  if (labelNote) console.error(labelNote);

  const models = await Promise.all([pair.a.dir, pair.b.dir].map((dir) => Classifier.load(dir, { intraOpNumThreads: CLASSIFY_INFERENCE_THREADS })));
  const jobId = o.store
    ? store.createJob(db, {
        runId: runA,
        modelPath: pair.a.dir,
        root: o.root,
        threshold: defaultThreshold(db, runA),
        second: { runId: runB, modelPath: pair.b.dir, labels: { a: pair.a.labels, b: pair.b.labels } },
      })
    : null;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  const tally = { files: 0, compared: 0, disagreements: 0, outsideShared: 0 };
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  try {
    const counts = await classifyFolder({
      root: o.root,
      labels: pair.a.labels,
      secondLabels: pair.b.labels,
      signal: abort.signal,
      predict: async (texts) => {
        const [a, b] = await predictTogether(models, texts, { topK: 3 });
        return { a, b };
      },
      onBatch: (rows, batchCounts) => {
        if (jobId !== null) store.addResults(db, jobId, rows, batchCounts);
        for (const r of rows) {
          const b = r.second!;
          tally.files++;
          if (b.agree === null) tally.outsideShared++;
          else tally.compared++;
          if (b.agree === false) tally.disagreements++;
          if (o.disagreeing && b.agree !== false) continue;
          if (o.json) {
            console.log(JSON.stringify({ path: r.path, a: { label: r.label, confidence: r.confidence }, b: { label: b.label, confidence: b.confidence }, agree: b.agree }));
          } else {
            const verdict = b.agree === false ? '\t(disagree)' : b.agree === null ? '\t(not compared: a label only one model has)' : '';
            console.log(`${r.path}\t${r.label} ${percent(r.confidence)}\t${b.label} ${percent(b.confidence)}${verdict}`);
          }
        }
      },
    });
    if (jobId !== null) store.finishJob(db, jobId, 'FINISHED');
    if (o.json) {
      console.log(
        JSON.stringify({
          summary: {
            runs: [runA, runB],
            files: tally.files,
            left_out: counts.skipped,
            compared: tally.compared,
            disagreements: tally.disagreements,
            outside_shared: tally.outsideShared,
            shared_labels: overlap.shared,
            only_a: overlap.onlyA,
            only_b: overlap.onlyB,
            ...(jobId !== null ? { job: jobId } : {}),
          },
        }),
      );
    }
    const lines = [
      `${tally.files} files under ${o.root} classified by runs ${runA} and ${runB}, ${counts.skipped} left out.`,
      `  compared (labels both have): ${tally.compared}; the two models disagree on ${tally.disagreements} (${percent(tally.disagreements / Math.max(1, tally.compared))})`,
      ...(tally.outsideShared > 0 ? [`  not compared (a label only one model has): ${tally.outsideShared}`] : []),
      ...(jobId !== null ? [`Stored as classification job ${jobId}.`] : []),
    ];
    console.error(lines.join('\n'));
  } catch (err) {
    if (jobId !== null) {
      const cancelled = abort.signal.aborted;
      store.finishJob(db, jobId, cancelled ? 'KILLED' : 'FAILED', cancelled ? 'Cancelled; the files classified before that are kept.' : (err as Error).message);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    await Promise.all(models.map((m) => m.close()));
  }
  return 0;
}

/** The flags a two-run classification refuses, each with why. */
export function refusePairFlags(values: { threshold?: string | undefined; format?: string | undefined; int8?: boolean | undefined }): void {
  if (values.threshold !== undefined) throw new UsageError('--threshold applies to one model; classify with one run to set it (a two-run job compares top labels).');
  if (values.format !== undefined) throw new UsageError('--format exports one model\'s results; with two runs give --json for one JSON line per file.');
  if (values.int8) throw new UsageError('--int8 applies to one model; classify with one run to use its int8 export.');
}
