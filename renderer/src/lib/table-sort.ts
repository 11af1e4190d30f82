export type SortDirection = 'asc' | 'desc';
export type SortValue = string | number | boolean | null | undefined;

/** A sortable column's state, shared by the runs list and the classification report. */
export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}

/**
 * Compares two cell values; missing values (null, undefined, NaN) always sort last whichever the
 * direction, because a run without a metric should never top a "best first" list.
 */
export function compareCells(a: SortValue, b: SortValue, direction: SortDirection): number {
  const missingA = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const missingB = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  const sign = direction === 'asc' ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') return sign * a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  return sign * (Number(a) - Number(b));
}

/** A sorted copy (stable), by the value `cell` reads from each row. */
export function sortRows<T>(rows: readonly T[], cell: (row: T) => SortValue, direction: SortDirection): T[] {
  return rows
    .map((row, index) => ({ row, index, value: cell(row) }))
    .sort((p, q) => compareCells(p.value, q.value, direction) || p.index - q.index)
    .map((p) => p.row);
}

/** Clicking a header: the same column flips direction, a new one starts with `initial`. */
export function nextSort<K extends string>(current: SortState<K>, key: K, initial: SortDirection = 'asc'): SortState<K> {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: initial };
}

/** The aria-sort value of a column header under the current order. */
export function ariaSort<K extends string>(sort: SortState<K>, key: K): 'ascending' | 'descending' | 'none' {
  return sort.key === key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
}
