// Evaluating a finished run on another dataset: every file of the chosen split is read the way the
// trainer reads it and classified by the run's exported model (through `predict`, which the app
// runs in the prediction worker), then scored with the same report the run's own test split gets.
// Files whose label the model lacks are predicted and counted as such, never dropped. Nothing is
// stored here: the caller stores the result whole (saveDatasetEvaluation), so a cancelled or
// failed evaluation leaves nothing behind.
import type { EvaluationScope, PredictionRow, RankedLabel, UnknownLabelInfo } from '../../preload/contract.ts';
import { mapBounded } from '../data/pool.ts';
import { LanglabError } from '../errors.ts';
import { type DatasetFileRow, listDatasetFiles, readDatasetFileText } from '../store/dataset-files.ts';
import { getDatasetHeader } from '../store/datasets.ts';
import type { NewDatasetEvaluation } from '../store/evaluations.ts';
import { getRun } from '../store/runs.ts';
import type { StoreDb } from '../store/store.ts';
import { classificationReport } from '../trainer/metrics.ts';
import { exportedModelDir } from '../trainer/host/run-model.ts';
import { modelLabels } from './jobs.ts';

/** Files read and classified together. */
const BATCH = 64;
/** Files of a batch read at once (as the trainer and the dataset scans do). */
const READ_CONCURRENCY = 8;
/** Ranked labels kept per file: enough to show the true label's probability next to a wrong guess. */
const TOP_K = 10;
const PAGE = 1000;

/** Everything an evaluation needs, checked before any work starts. */
export interface EvaluationPlan {
  runId: number;
  runName: string;
  modelDir: string;
  /** The model's labels, in its own spelling and order. */
  labels: string[];
  datasetId: number;
  datasetName: string;
  scope: EvaluationScope;
  files: DatasetFileRow[];
  /** Dataset label -> the model's label for it (matched case-insensitively), or null when the model lacks it. */
  labelMap: Map<string, string | null>;
}

/**
 * Checks that the run has an exported model and that the dataset has files of at least one of its
 * labels in the scope; throws a LanglabError naming the run or dataset and what to do otherwise.
 */
export function planEvaluation(db: StoreDb, dataDir: string, o: { runId: number; datasetId: number; scope: EvaluationScope }): EvaluationPlan {
  const run = getRun(db, o.runId); // NOT_FOUND names a missing run
  const modelDir = exportedModelDir(db, dataDir, o.runId, `be evaluated on a dataset. Pick a finished run, or resume this one (${run.name}) first`);
  const labels = modelLabels(modelDir);
  const dataset = getDatasetHeader(db, o.datasetId);
  if (!dataset) throw new LanglabError('NOT_FOUND', `There is no dataset ${o.datasetId}. It may have been deleted; pick one from the Datasets list.`);
  const files: DatasetFileRow[] = [];
  const split = o.scope === 'all' ? undefined : o.scope;
  for (let offset = 0; ; offset += PAGE) {
    const page = listDatasetFiles(db, o.datasetId, { ...(split ? { split } : {}), offset, limit: PAGE });
    files.push(...page.files);
    if (page.files.length < PAGE) break;
  }
  const name = `dataset ${o.datasetId} (${dataset.name})`;
  if (files.length === 0) {
    throw new LanglabError('INVALID_ARGUMENT', `The ${o.scope === 'all' ? 'whole' : o.scope} split of ${name} has no files; evaluate on all its files or on another split.`);
  }
  const byLower = new Map(labels.map((l) => [l.toLowerCase(), l]));
  const labelMap = new Map<string, string | null>();
  for (const f of files) if (!labelMap.has(f.label)) labelMap.set(f.label, byLower.get(f.label.toLowerCase()) ?? null);
  if (![...labelMap.values()].some((l) => l !== null)) {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${name[0].toUpperCase()}${name.slice(1)} has no label in common with the model of run ${o.runId} (${run.name}): the dataset has ${[...labelMap.keys()].sort().join(', ')}; ` +
        `the model knows ${labels.join(', ')}. Pick a dataset with files of at least one of the model's languages. Nothing was stored.`,
    );
  }
  return { runId: o.runId, runName: run.name, modelDir, labels, datasetId: o.datasetId, datasetName: dataset.name, scope: o.scope, files, labelMap };
}

export interface EvaluateOptions {
  predict: (modelDir: string, texts: string[], topK: number) => Promise<RankedLabel[][]>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, current: string | null) => void;
}

function cancelledEvaluation(): LanglabError {
  return new LanglabError('CANCELLED', 'The evaluation was cancelled; nothing was stored.');
}

/** Classifies every file of the plan and scores the result; resolves with what is to be stored. */
export async function runEvaluation(db: StoreDb, plan: EvaluationPlan, o: EvaluateOptions): Promise<NewDatasetEvaluation> {
  const { files } = plan;
  const topK = Math.min(TOP_K, plan.labels.length);
  const predictions: PredictionRow[] = [];
  o.onProgress?.(0, files.length, null);
  for (let i = 0; i < files.length; i += BATCH) {
    if (o.signal?.aborted) throw cancelledEvaluation();
    const batch = files.slice(i, i + BATCH);
    const texts = await mapBounded(batch, READ_CONCURRENCY, (f) => readDatasetFileText(db, plan.datasetId, f.index));
    if (o.signal?.aborted) throw cancelledEvaluation();
    const ranked = await o.predict(plan.modelDir, texts, topK);
    batch.forEach((f, k) => {
      const top = ranked[k];
      predictions.push({ fileIndex: f.index, path: f.path, trueLabel: plan.labelMap.get(f.label) ?? f.label, predictedLabel: top[0].label, top });
    });
    o.onProgress?.(Math.min(files.length, i + BATCH), files.length, batch.at(-1)?.path ?? null);
  }
  if (o.signal?.aborted) throw cancelledEvaluation();
  return { ...scoreEvaluation(plan, predictions), runId: plan.runId, datasetId: plan.datasetId, datasetName: plan.datasetName, predictions };
}

/** The report over the files whose label the model knows, and the counts of those it lacks. */
export function scoreEvaluation(plan: Pick<EvaluationPlan, 'labels' | 'labelMap' | 'scope'>, predictions: readonly PredictionRow[]): Pick<NewDatasetEvaluation, 'evaluation' | 'unknownLabels'> {
  const index = new Map(plan.labels.map((l, i) => [l, i]));
  const known = new Set(plan.labels);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const unknown = new Map<string, UnknownLabelInfo>();
  for (const p of predictions) {
    if (known.has(p.trueLabel)) {
      yTrue.push(index.get(p.trueLabel)!);
      yPred.push(index.get(p.predictedLabel)!);
      continue;
    }
    let u = unknown.get(p.trueLabel);
    if (!u) unknown.set(p.trueLabel, (u = { label: p.trueLabel, files: 0, predicted: {} }));
    u.files++;
    u.predicted[p.predictedLabel] = (u.predicted[p.predictedLabel] ?? 0) + 1;
  }
  return {
    evaluation: { split: plan.scope, ...classificationReport(plan.labels, yTrue, yPred) },
    unknownLabels: [...unknown.values()].sort((a, b) => a.label.localeCompare(b.label)),
  };
}
