import { createReadStream } from 'node:fs';
import path from 'node:path';
import { LanglabError } from '../errors.ts';
import { assembleDataset, type Candidate } from './assemble.ts';
import { parseCsv } from './csv.ts';
import { sha256Hex } from './fingerprint.ts';
import { DEFAULT_MAX_BYTES } from './from-folder.ts';
import { requirePath } from './input-path.ts';
import { minhashSignature } from './near-duplicates.ts';
import { ProgressReporter } from './progress.ts';
import { SkipLog } from './skip-log.ts';
import { parseSplitName } from './split.ts';
import { decodeText } from './text-check.ts';
import type { CommonOptions, DatasetResult, Split } from './types.ts';

export interface TableOptions extends CommonOptions {
  /** Rows whose text is larger than this are skipped as 'oversize' (default 1 MB). */
  maxBytes?: number;
  /** Forces the format; otherwise '.jsonl'/'.ndjson' mean JSONL and anything else CSV. */
  format?: 'csv' | 'jsonl';
}

/** One row as found in the file, before the common checks. */
interface Row {
  line: number;
  text: Buffer | string;
  label: string;
  split?: Split;
  /** The project column's value, '' when the row leaves it empty; absent without the column. */
  project?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A CSV (header with text and label, optional split) or JSONL file (one object per line with the
 * same keys). Structural problems are errors naming the line; unusable rows are counted skips.
 * The texts are kept in the result, since there are no files to read them back from.
 */
export async function datasetFromTable(file: string, options: TableOptions = {}): Promise<DatasetResult> {
  const { abs } = await requirePath(file, 'file');
  const format = options.format ?? (/\.(jsonl|ndjson)$/i.test(abs) ? 'jsonl' : 'csv');
  const progress = new ProgressReporter(options);
  const skips = new SkipLog(options.maxListedPerReason);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const base = path.basename(abs);
  progress.setPhase('read');

  const candidates: Candidate[] = [];
  let withSplit = 0;
  let firstWithoutProject = 0;
  let withProject = 0;
  const rows = format === 'csv' ? csvRows(abs, base, skips) : jsonlRows(abs, base, skips, maxBytes);
  for await (const row of rows) {
    const where = `${base}:${row.line}`;
    const bytes = typeof row.text === 'string' ? Buffer.from(row.text) : row.text;
    progress.file(bytes.length, where);
    if (bytes.length > maxBytes) {
      skips.add('oversize', where);
      continue;
    }
    const decoded = decodeText(bytes);
    if ('skip' in decoded) {
      skips.add(decoded.skip, where);
      continue;
    }
    const candidate: Candidate = {
      root: 0,
      path: where,
      label: row.label,
      size: bytes.length,
      sha256: sha256Hex(bytes),
      text: decoded.text,
      signature: minhashSignature(decoded.text),
    };
    if (row.split) {
      candidate.split = row.split;
      withSplit++;
    }
    if (row.project) {
      candidate.project = row.project;
      withProject++;
    } else if (firstWithoutProject === 0) firstWithoutProject = row.line;
    candidates.push(candidate);
  }
  if (withSplit > 0 && withSplit < candidates.length) {
    throw new LanglabError('INVALID_ARGUMENT', `${abs}: some rows name a split and others do not. Give every row a split, or none.`);
  }
  if (withProject > 0 && firstWithoutProject > 0) {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${abs}: ${withProject} of ${candidates.length} rows name a project but the others leave it empty (the first at line ${firstWithoutProject}). ` +
        'Give every row its project (the repository or package it comes from), or remove the project column to split file by file.',
    );
  }

  return assembleDataset({
    kind: format,
    name: options.name ?? base.replace(/\.[^.]+$/, ''),
    roots: [abs],
    candidates,
    skips,
    progress,
    options,
    recordedOptions: { maxBytes, format },
    describe: `The table ${abs}`,
  });
}

async function* csvRows(abs: string, base: string, skips: SkipLog): AsyncGenerator<Row> {
  let columns: { text: number; label: number; split: number; project: number; count: number } | null = null;
  for await (const record of parseCsv(createReadStream(abs), base)) {
    if (!columns) {
      const names = record.fields.map((f) => f.toString('utf8').replace(/^\uFEFF/, '').trim().toLowerCase());
      const text = names.indexOf('text');
      const label = names.indexOf('label');
      if (text < 0 || label < 0) {
        const missing = [text < 0 ? 'text' : '', label < 0 ? 'label' : ''].filter(Boolean).join(' and ');
        throw new LanglabError(
          'INVALID_ARGUMENT',
          `${base}, line ${record.line}: the header has no ${missing} column (found: ${names.join(', ') || 'nothing'}). ` +
            'The first line must name the columns, e.g. text,label,split.',
        );
      }
      columns = { text, label, split: names.indexOf('split'), project: names.indexOf('project'), count: names.length };
      continue;
    }
    if (record.fields.length !== columns.count) {
      throw new LanglabError(
        'INVALID_ARGUMENT',
        `${base}, line ${record.line}: the row has ${record.fields.length} fields but the header has ${columns.count}. ` +
          'Quote fields that contain commas or line breaks ("...").',
      );
    }
    let label: string;
    let splitValue = '';
    let project: string | undefined;
    try {
      label = utf8.decode(record.fields[columns.label]).trim();
      if (columns.split >= 0) splitValue = utf8.decode(record.fields[columns.split]);
      if (columns.project >= 0) project = utf8.decode(record.fields[columns.project]).trim();
    } catch {
      skips.add('not-utf8', `${base}:${record.line}`);
      continue;
    }
    yield makeRow(base, record.line, record.fields[columns.text], label, columns.split >= 0 ? splitValue : undefined, project);
  }
  if (!columns) throw new LanglabError('INVALID_ARGUMENT', `${base} is empty: a header line with text,label columns was expected.`);
}

async function* jsonlRows(abs: string, base: string, skips: SkipLog, maxBytes: number): AsyncGenerator<Row> {
  // A line this long holds a text over maxBytes however it is escaped (\uXXXX is 6 bytes for 1 to
  // 3); it is skipped as oversize without decoding a string of its size.
  const maxLine = 6 * maxBytes + 65536;
  let line = 0;
  let rest: Buffer[] = [];
  const handle = function* (bytes: Buffer): Generator<Row> {
    line++;
    if (bytes.length > maxLine) {
      skips.add('oversize', `${base}:${line}`);
      return;
    }
    let source: string;
    try {
      source = utf8.decode(bytes);
    } catch {
      skips.add('not-utf8', `${base}:${line}`);
      return;
    }
    if (source.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (err) {
      throw new LanglabError('INVALID_ARGUMENT', `${base}, line ${line}: not valid JSON (${(err as Error).message}). Each line must be one JSON object.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new LanglabError('INVALID_ARGUMENT', `${base}, line ${line}: expected a JSON object with "text" and "label".`);
    }
    const obj = value as Record<string, unknown>;
    for (const key of ['text', 'label'] as const) {
      if (typeof obj[key] !== 'string') {
        throw new LanglabError('INVALID_ARGUMENT', `${base}, line ${line}: the "${key}" field is missing or not a string.`);
      }
    }
    for (const key of ['split', 'project'] as const) {
      if (obj[key] !== undefined && obj[key] !== null && typeof obj[key] !== 'string') {
        throw new LanglabError('INVALID_ARGUMENT', `${base}, line ${line}: the "${key}" field must be a string.`);
      }
    }
    const project = typeof obj.project === 'string' ? obj.project.trim() : obj.project === null ? '' : undefined;
    yield makeRow(base, line, obj.text as string, (obj.label as string).trim(), (obj.split as string | null | undefined) ?? undefined, project);
  };
  // The pieces of a line are joined once its end is found: joining them chunk by chunk made a
  // 200 MB line cost time quadratic in its length (found by bench:fuzz).
  for await (const chunk of createReadStream(abs) as AsyncIterable<Buffer>) {
    let data: Buffer = chunk;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) !== -1) {
      yield* handle(rest.length ? Buffer.concat([...rest, data.subarray(0, nl)]) : data.subarray(0, nl));
      rest = [];
      data = data.subarray(nl + 1);
    }
    if (data.length > 0) rest.push(Buffer.from(data));
  }
  if (rest.length > 0) yield* handle(Buffer.concat(rest));
}

function makeRow(base: string, line: number, text: Buffer | string, label: string, split: string | undefined, project: string | undefined): Row {
  if (label === '') {
    throw new LanglabError('INVALID_ARGUMENT', `${base}, line ${line}: the label is empty. Every row needs a label.`);
  }
  // A label names a language (a folder dataset's labels are folder names, which cannot hold a
  // slash); one that looks like a path or hides control characters is a column mix-up.
  if (/[/\\\u0000-\u001f\u007f]/.test(label)) {
    throw new LanglabError('INVALID_ARGUMENT', `${base}, line ${line}: the label ${JSON.stringify(label.slice(0, 200))} looks like a path or holds control characters; a label names a language (python, C++). Check that the label column is the right one.`);
  }
  const row: Row = { line, text, label };
  if (project !== undefined) row.project = project;
  if (split !== undefined && split.trim() !== '') {
    const parsed = parseSplitName(split);
    if (!parsed) {
      throw new LanglabError(
        'INVALID_ARGUMENT',
        `${base}, line ${line}: the split '${split}' is not one of train, validation (val, valid, dev) or test.`,
      );
    }
    row.split = parsed;
  }
  return row;
}
