/** Short forms for dense tables, where every column has to fit beside a dozen others. */

/** 0.7523 -> "75.2%"; missing -> "—". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** 1.23456 -> "1.235"; missing -> "—". */
export function formatFixed(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

/** Learning rates and other small numbers: 0.00002 -> "2e-5", 0.1 -> "0.1". */
export function formatCompactNumber(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value === null || value === undefined ? '—' : String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential().replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(6)));
}

/** "Jan 1, 14:05" this year, "Jan 1, 2025" before. */
export function formatShortDate(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return sameYear
    ? d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
    : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
