import type { DatasetEvaluationInfo, RunDetail } from '../../../preload/contract.ts';

/** One cell of the "Evaluations on other datasets" table: a run's result there, if it has one. */
export interface ScoreCell {
  accuracy: number;
  macroF1: number;
  files: number;
}

export interface EvaluationRow {
  key: string;
  title: string;
  /** By run id. */
  cells: Map<number, ScoreCell>;
}

/**
 * The rows of Compare's evaluation table: the runs' own test split first (for reference), then one
 * row per dataset and file scope that at least one of the runs was evaluated on (its latest there).
 */
export function evaluationRows(runs: readonly RunDetail[], evaluations: readonly DatasetEvaluationInfo[]): EvaluationRow[] {
  const own: EvaluationRow = { key: 'own', title: 'Own test split', cells: new Map() };
  for (const r of runs) {
    const test = r.evaluations.filter((e) => e.split === 'test').at(-1);
    if (test) own.cells.set(r.id, { accuracy: test.accuracy, macroF1: test.macro.f1, files: test.macro.support });
  }
  const rows = new Map<string, EvaluationRow>();
  for (const e of evaluations) {
    const key = `${e.datasetId ?? `deleted:${e.datasetName}`}/${e.split}`;
    let row = rows.get(key);
    if (!row) {
      const title = `${e.datasetName}${e.datasetId === null ? ' (deleted)' : ''}${e.split === 'all' ? '' : `, ${e.split} split`}`;
      rows.set(key, (row = { key, title, cells: new Map() }));
    }
    // Oldest first, so the latest evaluation of a run on this dataset wins.
    row.cells.set(e.runId, { accuracy: e.accuracy, macroF1: e.macro.f1, files: e.files });
  }
  return [own, ...[...rows.values()].sort((a, b) => a.title.localeCompare(b.title))];
}
