// A classification job's results as they leave the app: CSV (with a header) or JSON lines, one file
// a line, the same columns either way. Used by the job page's export and `langlab classify --format`.
import type { ClassificationExportFormat, ClassifiedFileInfo } from '../../preload/contract.ts';
import { isUnknown } from './threshold.ts';

/** The columns, in order (the JSON lines' keys). */
export const EXPORT_COLUMNS = ['path', 'label', 'confidence', 'runner_up', 'runner_up_confidence', 'extension_label', 'bytes', 'unknown'] as const;

/** What a file of each format is called and served as. */
export const EXPORT_FILE_TYPES: Record<ClassificationExportFormat, { extension: string; mediaType: string; name: string }> = {
  csv: { extension: 'csv', mediaType: 'text/csv', name: 'CSV' },
  jsonl: { extension: 'jsonl', mediaType: 'application/x-ndjson', name: 'JSON lines' },
};

type ExportRecord = { [K in (typeof EXPORT_COLUMNS)[number]]: string | number | boolean | null };

function record(file: ClassifiedFileInfo, threshold: number): ExportRecord {
  const next = file.top[1];
  return {
    path: file.path,
    label: file.label,
    confidence: file.confidence,
    runner_up: next?.label ?? null,
    runner_up_confidence: next?.probability ?? null,
    extension_label: file.extensionLabel,
    bytes: file.size,
    unknown: isUnknown(file.confidence, threshold),
  };
}

/**
 * RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled; null is
 * empty. A text field a spreadsheet would read as a formula (a path starting with =, +, -, @, a tab
 * or a carriage return) gets a leading apostrophe, so opening the export runs nothing.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The line before the first file (CSV's header), or null. */
export function exportHeader(format: ClassificationExportFormat): string | null {
  return format === 'csv' ? EXPORT_COLUMNS.join(',') : null;
}

/** One file's line, without its line break. */
export function exportLine(format: ClassificationExportFormat, file: ClassifiedFileInfo, threshold: number): string {
  const r = record(file, threshold);
  return format === 'csv' ? EXPORT_COLUMNS.map((c) => csvField(r[c])).join(',') : JSON.stringify(r);
}

/** Every line of an export, header first, each ending in '\n'. */
export function* exportLines(format: ClassificationExportFormat, files: Iterable<ClassifiedFileInfo>, threshold: number): Generator<string> {
  const header = exportHeader(format);
  if (header !== null) yield `${header}\n`;
  for (const f of files) yield `${exportLine(format, f, threshold)}\n`;
}
