/** Which rows of a fixed-row-height list to put in the DOM, and the space to leave around them. */
export interface VisibleRange {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

/**
 * The rows visible in a scrolled viewport plus `overscan` rows either side, so a list of thousands
 * of runs keeps only a screenful of rows in the DOM.
 */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): VisibleRange {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}
