/** Each row divided by its total (a row with no files stays all zeros), for the row-normalised view. */
export function normaliseRows(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((n, v) => n + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/** The largest cell, so colours scale to this matrix (at least 1, so an empty matrix is blank). */
export function matrixMax(matrix: readonly (readonly number[])[]): number {
  let max = 0;
  for (const row of matrix) for (const v of row) if (v > max) max = v;
  return max > 0 ? max : 1;
}
