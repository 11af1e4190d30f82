// The runs table as CSV, for a spreadsheet or a notebook: one row per run with its parameters,
// final metrics and duration, columns named so they read back without a legend.
import type { RunSummary } from '../../preload/contract.ts';

/** A run as the export reads it: its summary and every parameter. */
export interface ExportedRun {
  run: RunSummary;
  params: Record<string, unknown>;
}

const FIXED = ['id', 'name', 'status', 'dataset', 'model_kind', 'model_source', 'provider', 'started', 'ended', 'duration_seconds', 'tags', 'test_accuracy', 'test_macro_f1'];

/**
 * CSV text (RFC 4180, CRLF line ends) of these runs in the given order: fixed columns, then one
 * `param.<key>` column per parameter any run has and one `metric.<key>` column per final metric,
 * both sorted by key. A cell a run lacks is empty.
 */
export function runsCsv(runs: readonly ExportedRun[]): string {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.run.latest)))].sort();
  const header = [...FIXED, ...paramKeys.map((k) => `param.${k}`), ...metricKeys.map((k) => `metric.${k}`)];
  const lines = [header.map(csvCell)];
  for (const { run, params } of runs) {
    const fixed = [
      run.id,
      run.name,
      run.status,
      run.datasetName ?? '',
      run.modelKind,
      run.modelSource,
      run.providerUsed ?? run.provider,
      new Date(run.startTime).toISOString(),
      run.endTime === null ? '' : new Date(run.endTime).toISOString(),
      run.endTime === null ? '' : (run.endTime - run.startTime) / 1000,
      run.tags.join(' '),
      run.test?.accuracy ?? '',
      run.test?.macroF1 ?? '',
    ];
    const cells = [...fixed, ...paramKeys.map((k) => paramCell(params[k])), ...metricKeys.map((k) => run.latest[k] ?? '')];
    lines.push(cells.map(csvCell));
  }
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

function paramCell(value: unknown): string | number {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * One cell, quoted when it holds a comma, quote or line break. Text that a spreadsheet would run
 * as a formula (=, +, -, @ first, and not a number) gets a leading apostrophe.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text) && !Number.isFinite(Number(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
