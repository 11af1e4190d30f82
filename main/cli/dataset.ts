import { LanglabError } from '../errors.ts';
import { datasetFromFolder, datasetFromRepositories, datasetFromTable } from '../data/index.ts';
import type { CommonOptions, DatasetResult, ScanProgress } from '../data/types.ts';
import { saveDataset } from '../store/dataset-save.ts';
import { classProjects, deleteDataset, getDataset, listDatasets, type DatasetReport } from '../store/datasets.ts';
import type { ClassProjectsInfo } from '../../preload/contract.ts';
import { dataDirectory, storePath } from '../store/paths.ts';
import { openStore } from '../store/store.ts';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const USAGE = `Usage:
  langlab dataset add <folder|file.csv|file.jsonl> [--name N] [--seed N] [--test F] [--validation F] [--max-bytes N] [--json]
  langlab dataset build <folder>... [--top N] [--min-files N] [--cap N] [--max-bytes N] [--seed N]
                        [--override .ext=Language]... [--language Language]... [--name N] [--json]
  langlab dataset show <id> [--json]
  langlab dataset list [--json]
  langlab dataset delete <id>`;

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
  json: boolean;
}

const VALUE_FLAGS = new Set(['name', 'seed', 'test', 'validation', 'max-bytes', 'top', 'min-files', 'cap', 'override', 'language']);

function parse(argv: string[]): Parsed {
  const parsed: Parsed = { positional: [], flags: new Map(), json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') parsed.json = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (!VALUE_FLAGS.has(name)) throw usage(`Unknown option --${name}.`);
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw usage(`The option --${name} needs a value.`);
      parsed.flags.set(name, [...(parsed.flags.get(name) ?? []), value]);
    } else parsed.positional.push(arg);
  }
  return parsed;
}

function usage(message: string): LanglabError {
  return new LanglabError('INVALID_ARGUMENT', `${message}\n${USAGE}`);
}

function numberFlag(p: Parsed, name: string, integer: boolean): number | undefined {
  const raw = p.flags.get(name)?.at(-1);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && (!Number.isInteger(value) || value < 0))) {
    throw usage(`--${name} must be ${integer ? 'a whole number' : 'a number'}; got '${raw}'.`);
  }
  return value;
}

function commonOptions(p: Parsed, signal: AbortSignal, onProgress?: (s: ScanProgress) => void): CommonOptions {
  const options: CommonOptions = { signal };
  if (onProgress) options.onProgress = onProgress;
  const name = p.flags.get('name')?.at(-1);
  if (name !== undefined) options.name = name;
  const seed = numberFlag(p, 'seed', true);
  if (seed !== undefined) options.seed = seed;
  const test = numberFlag(p, 'test', false);
  if (test !== undefined) options.testFraction = test;
  const validation = numberFlag(p, 'validation', false);
  if (validation !== undefined) options.validationFraction = validation;
  return options;
}

/** The JSON every dataset command prints: the saved report plus its id. */
export function reportJson(report: DatasetReport, projects: ClassProjectsInfo[]): Record<string, unknown> {
  return { ...report, projects };
}

/** Writes a one-line, overwritten progress display to stderr (a line per phase when not a TTY). */
function progressPrinter(): { onProgress: (s: ScanProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastPhase = '';
  return {
    onProgress: (s) => {
      const line = `${s.phase}: ${s.filesSeen} files, ${(s.bytesSeen / 1e6).toFixed(1)} MB${s.current ? `  ${s.current}` : ''}`;
      if (tty) process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      else if (s.phase !== lastPhase) process.stderr.write(line + '\n');
      lastPhase = s.phase;
    },
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

function printReport(r: DatasetReport, projects: ClassProjectsInfo[]): void {
  const out: string[] = [];
  out.push(`Dataset ${r.id}: ${r.name} (${r.kind}) from ${r.roots.join(', ')}`);
  out.push(`fingerprint ${r.fingerprint}`);
  out.push('');
  const width = Math.max(5, ...r.classes.map((c) => c.label.length));
  out.push(`${'class'.padEnd(width)}  ${'files'.padStart(7)}  ${'bytes'.padStart(11)}`);
  for (const c of r.classes) out.push(`${c.label.padEnd(width)}  ${String(c.files).padStart(7)}  ${String(c.bytes).padStart(11)}`);
  out.push('');
  out.push(`splits: train ${r.splits.train}, validation ${r.splits.validation}, test ${r.splits.test}`);
  out.push(...projectLines(projects));
  if (r.skipped.length) out.push(`skipped: ${r.skipped.map((s) => `${s.reason} ${s.count}`).join(', ')}`);
  out.push(`duplicates: ${r.duplicates.reduce((n, d) => n + d.dropped.length, 0)} dropped copies; conflicts: ${r.conflicts.length} (all copies dropped)`);
  out.push(`near-duplicate pairs across splits: ${r.nearDuplicates.length}${r.nearDuplicatesTruncated ? ' (more not listed)' : ''}`);
  for (const n of r.nearDuplicates.slice(0, 10)) out.push(`  ${n.similarity.toFixed(2)}  ${n.a} (${n.aSplit})  ~  ${n.b} (${n.bSplit})`);
  process.stdout.write(out.join('\n') + '\n');
}

/** How each class was split, and a warning naming the classes that could not hold out projects. */
function projectLines(projects: ClassProjectsInfo[]): string[] {
  const named = projects.filter((c) => c.projects > 0);
  if (named.length === 0) return ['projects: none named, so the split is per file (lay files out as <class>/<project>/... or add a project column)'];
  const lines = ['projects (train/validation/test, largest project share):'];
  for (const c of projects) {
    const largest = c.largest ? `, largest ${c.largest.project} ${(100 * c.largest.share).toFixed(0)}%` : '';
    lines.push(`  ${c.label}: ${c.projects} (${c.bySplit.train}/${c.bySplit.validation}/${c.bySplit.test}), split ${c.split === 'project' ? 'by project' : c.split === 'file' ? 'per file' : 'as given'}${largest}`);
  }
  const fallback = projects.filter((c) => c.split === 'file' && c.projects > 0).map((c) => c.label);
  if (fallback.length) {
    lines.push(`warning: ${fallback.join(', ')} ${fallback.length === 1 ? 'has' : 'have'} fewer than three projects and ${fallback.length === 1 ? 'was' : 'were'} split per file; their test figures overstate accuracy on new code. Add files from more projects.`);
  }
  return lines;
}

async function scan(kind: 'add' | 'build', p: Parsed, signal: AbortSignal, onProgress?: (s: ScanProgress) => void): Promise<DatasetResult> {
  const common = commonOptions(p, signal, onProgress);
  const maxBytes = numberFlag(p, 'max-bytes', true);
  if (kind === 'add') {
    if (p.positional.length !== 1) throw usage('`dataset add` takes exactly one folder, CSV or JSONL file.');
    const target = path.resolve(p.positional[0]);
    const st = await fsp.stat(target).catch(() => null);
    const options = maxBytes !== undefined ? { ...common, maxBytes } : common;
    if (st?.isFile()) return datasetFromTable(target, options);
    return datasetFromFolder(target, options);
  }
  if (p.positional.length === 0) throw usage('`dataset build` needs at least one folder of code.');
  const overrides: Record<string, string | null> = {};
  for (const o of p.flags.get('override') ?? []) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw usage(`--override takes .ext=Language (or .ext= to leave it out); got '${o}'.`);
    overrides[o.slice(0, eq)] = o.slice(eq + 1) || null;
  }
  const options: Parameters<typeof datasetFromRepositories>[1] = { ...common, overrides };
  const top = numberFlag(p, 'top', true);
  if (top !== undefined) options.top = top;
  const minFiles = numberFlag(p, 'min-files', true);
  if (minFiles !== undefined) options.minFiles = minFiles;
  const cap = numberFlag(p, 'cap', true);
  if (cap !== undefined) options.cap = cap;
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  const languages = p.flags.get('language');
  if (languages) options.languages = languages;
  return datasetFromRepositories(p.positional, options);
}

async function run(argv: string[], ctx: { storePath?: string } = {}): Promise<number> {
  const [sub, ...rest] = argv;
  let p: Parsed;
  try {
    p = parse(rest);
    if (!sub || !['add', 'build', 'show', 'list', 'delete'].includes(sub)) throw usage(sub ? `Unknown dataset command '${sub}'.` : 'Which dataset command?');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const store = (() => {
    try {
      return openStore({ file: ctx.storePath ?? storePath(dataDirectory()) });
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return null;
    }
  })();
  if (!store) return 1;
  try {
    if (sub === 'add' || sub === 'build') {
      const printer = p.json && !process.stderr.isTTY ? null : progressPrinter();
      let result: DatasetResult;
      try {
        result = await scan(sub, p, controller.signal, printer?.onProgress);
      } finally {
        printer?.done();
      }
      const id = saveDataset(store.db, result);
      const report = getDataset(store.db, id)!;
      const projects = classProjects(store.db, id);
      if (p.json) process.stdout.write(JSON.stringify(reportJson(report, projects), null, 2) + '\n');
      else printReport(report, projects);
      return 0;
    }
    if (sub === 'list') {
      const all = listDatasets(store.db);
      if (p.json) process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      else {
        if (all.length === 0) process.stdout.write('No datasets yet. Add one with `langlab dataset add <folder>`.\n');
        for (const d of all) {
          const files = d.classes.reduce((n, c) => n + c.files, 0);
          process.stdout.write(`${String(d.id).padStart(4)}  ${d.name}  ${d.kind}  ${d.classes.length} classes, ${files} files  ${new Date(d.createdAt).toISOString()}\n`);
        }
      }
      return 0;
    }
    const id = Number(p.positional[0]);
    if (p.positional.length !== 1 || !Number.isInteger(id)) throw usage(`\`dataset ${sub}\` takes one dataset id (see \`langlab dataset list\`).`);
    if (sub === 'delete') {
      if (!deleteDataset(store.db, id)) throw new LanglabError('NOT_FOUND', `There is no dataset ${id}; see \`langlab dataset list\`.`);
      if (p.json) process.stdout.write(JSON.stringify({ deleted: id }) + '\n');
      return 0;
    }
    const report = getDataset(store.db, id);
    if (!report) throw new LanglabError('NOT_FOUND', `There is no dataset ${id}; see \`langlab dataset list\`.`);
    const projects = classProjects(store.db, id);
    if (p.json) process.stdout.write(JSON.stringify(reportJson(report, projects), null, 2) + '\n');
    else printReport(report, projects);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (p.json) process.stdout.write(JSON.stringify({ error: { code: err instanceof LanglabError ? err.code : 'INTERNAL', message } }) + '\n');
    process.stderr.write(`${message}\n`);
    return err instanceof LanglabError && err.code === 'INVALID_ARGUMENT' && message.includes('Usage:') ? 2 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}

/** The `langlab dataset ...` command, for the CLI dispatcher (main/cli/index.ts). */
export const datasetCommand = {
  name: 'dataset',
  summary: 'add, build, show and list datasets',
  run,
};
