import type { PairClassRow } from '../../../preload/contract.ts';
import { normaliseRows } from '../lib/confusion.ts';

/** The per-class table's sortable columns: a metric of A, of B, or its B − A change. */
export type PairColumn = 'label' | `${'precision' | 'recall' | 'f1' | 'support'}:${'a' | 'b' | 'delta'}`;

/** The value a per-class column shows and sorts by. */
export function pairCell(row: PairClassRow, column: PairColumn): string | number {
  if (column === 'label') return row.label;
  const [metric, side] = column.split(':') as ['precision' | 'recall' | 'f1' | 'support', 'a' | 'b' | 'delta'];
  return side === 'delta' ? row.b[metric] - row.a[metric] : row[side][metric];
}

/** A change as people read it: signed, 4 digits, and no "-0.0000" for a change that rounds away. */
export function formatDelta(d: number, digits = 4): string {
  const text = Math.abs(d).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return `${d > 0 ? '+' : '−'}${text}`;
}

/**
 * B − A per cell, in files or in shares of each true label's files. A run's rows are normalised
 * over its own files, so both shares of a row are out of the same support.
 */
export function confusionDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[], normalised: boolean): number[][] {
  const [ma, mb] = normalised ? [normaliseRows(a), normaliseRows(b)] : [a, b];
  return mb.map((row, i) => row.map((v, j) => v - ma[i][j]));
}

/**
 * Whether a change in a cell is good for B: more files on the diagonal (right), or fewer off it
 * (wrong). Colours follow this, not the sign, so green always means B does better there.
 */
export function changeIsBetter(row: number, col: number, delta: number): boolean {
  return row === col ? delta > 0 : delta < 0;
}

export { sharedEvaluations } from '../../../preload/shared-evaluations.ts';
