// The end-of-run classification report: the numbers scikit-learn's classification_report and
// confusion_matrix give for the same predictions (zero_division=0), so a report made here can be
// compared line by line with one made by the reference script.
import type { NewEvaluation } from '../store/evaluations.ts';

/** One class's (or one average's) row of the report. */
export interface ReportRow {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** The report over a fixed label order; every label gets a row, even one absent from both vectors. */
export function classificationReport(labels: readonly string[], yTrue: readonly number[], yPred: readonly number[]): Omit<NewEvaluation, 'split'> {
  if (yTrue.length !== yPred.length) throw new Error(`classificationReport: ${yTrue.length} true labels but ${yPred.length} predictions`);
  const n = labels.length;
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < n && p >= 0 && p < n)) throw new Error(`classificationReport: label index out of range at ${i} (true ${t}, predicted ${p}, ${n} labels)`);
    confusion[t][p]++;
    if (t === p) correct++;
  }
  const rows: ReportRow[] = labels.map((label, c) => {
    const tp = confusion[c][c];
    let support = 0;
    let predicted = 0;
    for (let k = 0; k < n; k++) {
      support += confusion[c][k];
      predicted += confusion[k][c];
    }
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    // scikit-learn 1.2 computes F1 from precision and recall (not from counts); same formula here.
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const total = yTrue.length;
  const mean = (key: 'precision' | 'recall' | 'f1') => (n === 0 ? 0 : rows.reduce((s, r) => s + r[key], 0) / n);
  const weightedMean = (key: 'precision' | 'recall' | 'f1') => (total === 0 ? 0 : rows.reduce((s, r) => s + r[key] * r.support, 0) / total);
  return {
    labels: [...labels],
    rows,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1'), support: total },
    weighted: { precision: weightedMean('precision'), recall: weightedMean('recall'), f1: weightedMean('f1'), support: total },
    accuracy: total === 0 ? 0 : correct / total,
    confusion,
  };
}
