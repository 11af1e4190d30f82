// Two runs file by file: pair their predictions by content hash, then the per-class report of each
// over the shared files (the same report code as the end of a run), both confusion matrices, and
// the files that flipped. Pure functions over what the store returns, so they are tested alone.
import type { PairClassRow, PairDiff, PairFile, PairFilesFilter, RankedLabel } from '../../../preload/contract.ts';
import type { PairablePrediction, PairablePredictions } from '../../store/pairable-predictions.ts';
import { classificationReport } from '../../trainer/metrics.ts';

const PATH_ORDER = new Intl.Collator(undefined, { numeric: true });

/** One side of a comparison: the model's labels and its stored predictions. */
export interface PairInput {
  labels: readonly string[];
  predictions: PairablePredictions;
}

/** A file both runs predicted, with each run's row. */
export interface PairedFile {
  a: PairablePrediction;
  b: PairablePrediction;
}

export interface Pairing {
  pairs: PairedFile[];
  matchedBy: 'hash' | 'path';
  sameFiles: boolean;
}

/**
 * Matches A's files to B's by content hash, or by path when either side has lost its hashes (its
 * dataset was deleted). A file whose true label differs between the two is not the same test case
 * and is left out. Pairs come in path order.
 */
export function pairFiles(a: readonly PairablePrediction[], b: readonly PairablePrediction[]): Pairing {
  const byHash = a.every((r) => r.sha256 !== null) && b.every((r) => r.sha256 !== null);
  const key = (r: PairablePrediction) => (byHash ? (r.sha256 as string) : r.path);
  const inB = new Map<string, PairablePrediction>();
  for (const r of b) if (!inB.has(key(r))) inB.set(key(r), r);
  const pairs: PairedFile[] = [];
  for (const r of a) {
    const other = inB.get(key(r));
    if (other && other.trueLabel === r.trueLabel) pairs.push({ a: r, b: other });
  }
  pairs.sort((p, q) => PATH_ORDER.compare(p.a.path, q.a.path) || p.a.fileIndex - q.a.fileIndex);
  return { pairs, matchedBy: byHash ? 'hash' : 'path', sameFiles: pairs.length === a.length && pairs.length === b.length };
}

/** The labels both models know (A's order), and those only one of them knows. */
export function sharedLabels(a: readonly string[], b: readonly string[]): { labels: string[]; onlyA: string[]; onlyB: string[] } {
  const inB = new Set(b);
  const inA = new Set(a);
  return { labels: a.filter((l) => inB.has(l)), onlyA: a.filter((l) => !inB.has(l)), onlyB: b.filter((l) => !inA.has(l)) };
}

/** The pairs a comparison counts: files whose true label both models know. */
export function comparedPairs(pairing: Pairing, labels: readonly string[]): PairedFile[] {
  const known = new Set(labels);
  return pairing.pairs.filter((p) => known.has(p.a.trueLabel));
}

/**
 * Per-class rows, accuracies and confusion matrices of both runs over the same files. A prediction
 * of a label the other model lacks counts as wrong: it lands in no column of the shared matrix, so
 * such a row sums to less than its support.
 */
export function pairDiff(a: PairInput, b: PairInput): PairDiff {
  const { labels, onlyA, onlyB } = sharedLabels(a.labels, b.labels);
  const pairing = pairFiles(a.predictions.rows, b.predictions.rows);
  const pairs = comparedPairs(pairing, labels);
  // The report needs every predicted label as a column: the shared ones first, then the rest.
  const predicted = pairs.flatMap((p) => [p.a.predictedLabel, p.b.predictedLabel]);
  const columns = [...new Set([...labels, ...onlyA, ...onlyB, ...predicted])];
  const index = new Map(columns.map((l, i) => [l, i]));
  const yTrue = pairs.map((p) => index.get(p.a.trueLabel) as number);
  const report = (side: 'a' | 'b') => classificationReport(columns, yTrue, pairs.map((p) => index.get(p[side].predictedLabel) as number));
  const ra = report('a');
  const rb = report('b');
  const n = labels.length;
  const square = (m: number[][]) => m.slice(0, n).map((row) => row.slice(0, n));
  const rows: PairClassRow[] = labels.map((label, i) => {
    const { label: _a, ...sideA } = ra.rows[i];
    const { label: _b, ...sideB } = rb.rows[i];
    return { label, a: sideA, b: sideB };
  });
  return {
    labels,
    onlyA,
    onlyB,
    filesA: a.predictions.rows.length,
    filesB: b.predictions.rows.length,
    shared: pairs.length,
    sameFiles: pairing.sameFiles,
    matchedBy: pairing.matchedBy,
    rows,
    accuracyA: ra.accuracy,
    accuracyB: rb.accuracy,
    confusionA: square(ra.confusion),
    confusionB: square(rb.confusion),
    brokenByB: pairs.filter((p) => isRight(p.a) && !isRight(p.b)).length,
    fixedByB: pairs.filter((p) => !isRight(p.a) && isRight(p.b)).length,
  };
}

function isRight(r: PairablePrediction): boolean {
  return r.predictedLabel === r.trueLabel;
}

/**
 * The pairs a filter selects: files B breaks (A right, B wrong) or fixes, optionally of one true
 * label; or those that moved into one cell of the matrix ('in': B puts it there, A did not) or out
 * of it. For a cell, moved-in minus moved-out is the cell's B − A difference.
 */
export function selectPairs(pairs: readonly PairedFile[], filter: PairFilesFilter): { pair: PairedFile; move?: 'in' | 'out' }[] {
  if (filter.kind === 'cell') {
    const out: { pair: PairedFile; move: 'in' | 'out' }[] = [];
    for (const p of pairs) {
      if (p.a.trueLabel !== filter.trueLabel) continue;
      const inA = p.a.predictedLabel === filter.predictedLabel;
      const inB = p.b.predictedLabel === filter.predictedLabel;
      if (inA !== inB) out.push({ pair: p, move: inB ? 'in' : 'out' });
    }
    return out;
  }
  const wantA = filter.kind === 'broken';
  return pairs
    .filter((p) => (filter.trueLabel === undefined || p.a.trueLabel === filter.trueLabel) && isRight(p.a) === wantA && isRight(p.b) !== wantA)
    .map((pair) => ({ pair }));
}

/** Where one run's side of the listed files lives, and their probabilities (read for the page only). */
export interface SideDetails {
  datasetId: number | null;
  tops: ReadonlyMap<number, RankedLabel[]>;
}

/** A selected pair as the view shows it. */
export function pairFileOf(selected: { pair: PairedFile; move?: 'in' | 'out' }, sideA: SideDetails, sideB: SideDetails): PairFile {
  const { a, b } = selected.pair;
  const side = (r: PairablePrediction, details: SideDetails) => ({
    datasetId: details.datasetId,
    fileIndex: r.fileIndex,
    predictedLabel: r.predictedLabel,
    top: details.tops.get(r.fileIndex) ?? [],
  });
  return { path: a.path, trueLabel: a.trueLabel, a: side(a, sideA), b: side(b, sideB), ...(selected.move ? { move: selected.move } : {}) };
}
