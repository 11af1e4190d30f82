// A classification job's results as they leave the app: CSV (with a header) or JSON lines, one file
// a line, the same columns either way. Used by the job page's export and `langlab classify --format`.
import type { ClassificationExportFormat, ClassifiedFileInfo } from '../../preload/contract.ts';
import { isUnknown } from './threshold.ts';

/** The columns, in order (the JSON lines' keys). */
export const EXPORT_COLUMNS = ['path', 'label', 'confidence', 'runner_up', 'runner_up_confidence', 'extension_label', 'bytes', 'unknown'] as const;
/** The columns a job comparing two runs adds: the second model's label and confidence, and whether the two agree (empty: a label only one model has). */
const SECOND_MODEL_COLUMNS = ['b_label', 'b_confidence', 'agree'] as const;

/** What a file of each format is called and served as. */
export const EXPORT_FILE_TYPES: Record<ClassificationExportFormat, { extension: string; mediaType: string; name: string }> = {
  csv: { extension: 'csv', mediaType: 'text/csv', name: 'CSV' },
  jsonl: { extension: 'jsonl', mediaType: 'application/x-ndjson', name: 'JSON lines' },
};

type Column = (typeof EXPORT_COLUMNS)[number] | (typeof SECOND_MODEL_COLUMNS)[number];
type ExportRecord = Partial<Record<Column, string | number | boolean | null>>;

const columns = (paired: boolean): readonly Column[] => (paired ? [...EXPORT_COLUMNS, ...SECOND_MODEL_COLUMNS] : EXPORT_COLUMNS);

function record(file: ClassifiedFileInfo, threshold: number, paired: boolean): ExportRecord {
  const next = file.top[1];
  const second = paired ? { b_label: file.second?.label ?? null, b_confidence: file.second?.confidence ?? null, agree: file.second?.agree ?? null } : {};
  return {
    path: file.path,
    label: file.label,
    confidence: file.confidence,
    runner_up: next?.label ?? null,
    runner_up_confidence: next?.probability ?? null,
    extension_label: file.extensionLabel,
    bytes: file.size,
    unknown: isUnknown(file.confidence, threshold),
    ...second,
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

/** The line before the first file (CSV's header), or null; `paired` for a job comparing two runs. */
export function exportHeader(format: ClassificationExportFormat, paired = false): string | null {
  return format === 'csv' ? columns(paired).join(',') : null;
}

/** One file's line, without its line break. */
export function exportLine(format: ClassificationExportFormat, file: ClassifiedFileInfo, threshold: number, paired = false): string {
  const r = record(file, threshold, paired);
  return format === 'csv' ? columns(paired).map((c) => csvField(r[c] ?? null)).join(',') : JSON.stringify(r);
}

/** Every line of an export, header first, each ending in '\n'; `paired` adds the second model's columns. */
export function* exportLines(format: ClassificationExportFormat, files: Iterable<ClassifiedFileInfo>, threshold: number, paired = false): Generator<string> {
  const header = exportHeader(format, paired);
  if (header !== null) yield `${header}\n`;
  for (const f of files) yield `${exportLine(format, f, threshold, paired)}\n`;
}
