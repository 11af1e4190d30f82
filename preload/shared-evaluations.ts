// Which datasets two runs can be compared on besides their own test split: those both were
// evaluated on. Shared by the Compare page and `langlab compare`, so both pick the same evaluations.
import type { DatasetEvaluationInfo } from './contract-evaluation.ts';

/** One dataset both runs were evaluated on (the latest evaluation of each there), to compare them on. */
export interface SharedEvaluation {
  key: string;
  title: string;
  evaluationA: number;
  evaluationB: number;
}

/** The datasets and scopes where both A and B have an evaluation, by title. */
export function sharedEvaluations(evaluations: readonly DatasetEvaluationInfo[], runA: number, runB: number): SharedEvaluation[] {
  const latest = new Map<string, { title: string; a?: number; b?: number }>();
  for (const e of evaluations) {
    if (e.runId !== runA && e.runId !== runB) continue;
    const key = `${e.datasetId ?? `deleted:${e.datasetName}`}/${e.split}`;
    const entry = latest.get(key) ?? { title: `${e.datasetName}${e.split === 'all' ? '' : `, ${e.split} split`}` };
    // Oldest first, so the latest of each run wins.
    if (e.runId === runA) entry.a = e.id;
    else entry.b = e.id;
    latest.set(key, entry);
  }
  return [...latest.entries()]
    .flatMap(([key, e]) => (e.a !== undefined && e.b !== undefined ? [{ key, title: e.title, evaluationA: e.a, evaluationB: e.b }] : []))
    .sort((p, q) => p.title.localeCompare(q.title));
}
