import type { MetricSeries, RunSummary } from '../../../preload/contract.ts';
import type { SortValue } from '../lib/table-sort.ts';

/** Best validation results per run, when known (from the metric history). */
export interface BestMetrics {
  valLoss: number | null;
  valAccuracy: number | null;
}

export type RunColumnKey =
  | 'name'
  | 'status'
  | 'dataset'
  | 'model'
  | 'learning_rate'
  | 'batch_size'
  | 'epochs'
  | 'best_val_accuracy'
  | 'best_val_loss'
  | 'val_accuracy'
  | 'val_loss'
  | 'test_accuracy'
  | 'test_macro_f1'
  | 'started'
  | 'duration';

/** The runs list's columns: header text, whether numeric, and the value it sorts by. */
export interface RunColumn {
  key: RunColumnKey;
  title: string;
  numeric: boolean;
  /** The first click sorts best-first for metrics (accuracy high, loss low), newest first for time. */
  initial: 'asc' | 'desc';
  /** Columns of the validation metrics sit under one "Validation" heading, those of the test result under "Test". */
  group?: 'Validation' | 'Test';
  value: (run: RunSummary, best: BestMetrics | undefined, now: number) => SortValue;
}

/** A short model name for the list: the folder's last segment, or "from scratch". */
export function modelName(run: Pick<RunSummary, 'modelKind' | 'modelSource'>): string {
  return run.modelKind === 'scratch' ? 'from scratch' : (run.modelSource.split(/[\\/]/).filter(Boolean).pop() ?? run.modelSource);
}

/** Where a run's steps ran, as the list and the run page say it. */
export interface RunsOn {
  /** The provider used; the one asked for while that is not known yet (or for an older run). */
  provider: string;
  /** The provider is the one used, not only the one asked for. */
  known: boolean;
  /** Why it is not on the provider it asked for (the CPU fallback), or null. */
  warning: string | null;
}

/** Where a run's steps ran: the provider it used, and why when that is not the one it asked for. */
export function runsOn(run: Pick<RunSummary, 'provider' | 'providerUsed' | 'providerWarning'>): RunsOn {
  if (run.providerUsed === null) return { provider: run.provider, known: false, warning: null };
  const differs = run.providerUsed !== run.provider;
  return {
    provider: run.providerUsed,
    known: true,
    warning: run.providerWarning ?? (differs ? `It asked for ${run.provider} and ran on ${run.providerUsed}.` : null),
  };
}

const param = (run: RunSummary, key: string): SortValue => {
  const v = run.keyParams[key];
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
};

export const RUN_COLUMNS: readonly RunColumn[] = [
  { key: 'name', title: 'Run', numeric: false, initial: 'asc', value: (r) => r.name },
  { key: 'status', title: 'Status', numeric: false, initial: 'asc', value: (r) => r.status },
  { key: 'dataset', title: 'Dataset', numeric: false, initial: 'asc', value: (r) => r.datasetName },
  { key: 'model', title: 'Model', numeric: false, initial: 'asc', value: (r) => modelName(r) },
  { key: 'learning_rate', title: 'LR', numeric: true, initial: 'asc', value: (r) => param(r, 'learning_rate') },
  { key: 'batch_size', title: 'Batch', numeric: true, initial: 'asc', value: (r) => param(r, 'batch_size') },
  { key: 'epochs', title: 'Epochs', numeric: true, initial: 'asc', value: (r) => param(r, 'epochs') },
  { key: 'best_val_accuracy', title: 'Best acc', group: 'Validation', numeric: true, initial: 'desc', value: (r, b) => b?.valAccuracy ?? r.latest.best_val_accuracy ?? null },
  { key: 'best_val_loss', title: 'Best loss', group: 'Validation', numeric: true, initial: 'asc', value: (r, b) => b?.valLoss ?? r.latest.best_val_loss ?? null },
  { key: 'val_accuracy', title: 'Last acc', group: 'Validation', numeric: true, initial: 'desc', value: (r) => r.latest.val_accuracy ?? null },
  { key: 'val_loss', title: 'Last loss', group: 'Validation', numeric: true, initial: 'asc', value: (r) => r.latest.val_loss ?? null },
  { key: 'test_accuracy', title: 'Acc', group: 'Test', numeric: true, initial: 'desc', value: (r) => r.test?.accuracy ?? null },
  { key: 'test_macro_f1', title: 'Macro F1', group: 'Test', numeric: true, initial: 'desc', value: (r) => r.test?.macroF1 ?? null },
  { key: 'started', title: 'Started', numeric: false, initial: 'desc', value: (r) => r.startTime },
  { key: 'duration', title: 'Duration', numeric: true, initial: 'desc', value: (r, _b, now) => (r.endTime ?? now) - r.startTime },
];

/** Best validation loss (lowest) and accuracy (highest) per run, from their metric histories. */
export function bestMetrics(series: readonly MetricSeries[]): Map<number, BestMetrics> {
  const out = new Map<number, BestMetrics>();
  for (const s of series) {
    if (s.key !== 'val_loss' && s.key !== 'val_accuracy') continue;
    const best = out.get(s.runId) ?? { valLoss: null, valAccuracy: null };
    for (const p of s.points) {
      if (p.value === null) continue;
      if (s.key === 'val_loss' && (best.valLoss === null || p.value < best.valLoss)) best.valLoss = p.value;
      if (s.key === 'val_accuracy' && (best.valAccuracy === null || p.value > best.valAccuracy)) best.valAccuracy = p.value;
    }
    out.set(s.runId, best);
  }
  return out;
}
