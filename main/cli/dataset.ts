// `langlab dataset ...`: adds, builds, shows, lists and deletes datasets through the service:
// `datasets.add` and `datasets.build` (tasks scanned in a worker and saved in short steps, as the
// Datasets page adds them), `datasets.fullReport` and `datasets.headers` (the unpaged shapes this
// command has always printed) and `datasets.delete`.

import type { ClassProjectsInfo, DatasetCommonOptions, DatasetFullReport, ScanJobInfo } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { finiteNumber, type ParsedArgs, UsageError, wholeNumber } from './args.ts';
import { defineCommand } from './command.ts';
import { addDataset } from './resolve-dataset.ts';
import type { CliService } from './service.ts';

const USAGE = `Usage:
  langlab dataset add <folder|file.csv|file.jsonl> [--name N] [--seed N] [--test F] [--validation F] [--max-bytes N] [--json]
  langlab dataset build <folder>... [--top N] [--min-files N] [--cap N] [--max-bytes N] [--seed N]
                        [--override .ext=Language]... [--language Language]... [--name N] [--json]
  langlab dataset show <id> [--json]
  langlab dataset list [--json]
  langlab dataset delete <id>`;

const DATASET_OPTIONS = {
  name: { type: 'string' },
  seed: { type: 'string' },
  test: { type: 'string' },
  validation: { type: 'string' },
  'max-bytes': { type: 'string' },
  top: { type: 'string' },
  'min-files': { type: 'string' },
  cap: { type: 'string' },
  override: { type: 'string', multiple: true },
  language: { type: 'string', multiple: true },
} as const;

type Args = ParsedArgs<typeof DATASET_OPTIONS>;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n${USAGE}`);
}

/** The options `datasets.add` and `datasets.build` share, checked as numbers here (the service checks their ranges). */
function commonOptions({ values }: Args): DatasetCommonOptions {
  const options: DatasetCommonOptions = {};
  if (values.name !== undefined) options.name = values.name;
  const seed = wholeNumber('dataset', 'seed', values.seed);
  if (seed !== undefined) options.seed = seed;
  const test = finiteNumber('dataset', 'test', values.test);
  if (test !== undefined) options.testFraction = test;
  const validation = finiteNumber('dataset', 'validation', values.validation);
  if (validation !== undefined) options.validationFraction = validation;
  const maxBytes = wholeNumber('dataset', 'max-bytes', values['max-bytes']);
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  return options;
}

/** The `datasets.build` arguments of `dataset build <folder>...`. */
function buildArgs(p: Args) {
  if (p.positionals.length === 0) throw usage('`dataset build` needs at least one folder of code.');
  const overrides: Record<string, string | null> = {};
  for (const o of p.values.override ?? []) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw usage(`--override takes .ext=Language (or .ext= to leave it out); got '${o}'.`);
    overrides[o.slice(0, eq)] = o.slice(eq + 1) || null;
  }
  const top = wholeNumber('dataset', 'top', p.values.top);
  const minFiles = wholeNumber('dataset', 'min-files', p.values['min-files']);
  const cap = wholeNumber('dataset', 'cap', p.values.cap);
  return {
    ...commonOptions(p),
    roots: p.positionals,
    overrides,
    ...(top !== undefined ? { top } : {}),
    ...(minFiles !== undefined ? { minFiles } : {}),
    ...(cap !== undefined ? { cap } : {}),
    ...(p.values.language ? { languages: p.values.language } : {}),
  };
}

/** Writes a one-line, overwritten progress display of a scan job to stderr (a line per phase when not a TTY). */
function progressPrinter(): { onProgress: (s: ScanJobInfo) => void; done: () => void } {
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

function printReport(r: DatasetFullReport): void {
  const out: string[] = [];
  out.push(`Dataset ${r.id}: ${r.name} (${r.kind}) from ${r.roots.join(', ')}`);
  out.push(`fingerprint ${r.fingerprint}`);
  out.push('');
  const width = Math.max(5, ...r.classes.map((c) => c.label.length));
  out.push(`${'class'.padEnd(width)}  ${'files'.padStart(7)}  ${'bytes'.padStart(11)}`);
  for (const c of r.classes) out.push(`${c.label.padEnd(width)}  ${String(c.files).padStart(7)}  ${String(c.bytes).padStart(11)}`);
  out.push('');
  out.push(`splits: train ${r.splits.train}, validation ${r.splits.validation}, test ${r.splits.test}`);
  out.push(...projectLines(r.projects));
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
    const shared = c.acrossSplits > 0 ? `, ${c.acrossSplits} in more than one split` : '';
    lines.push(`  ${c.label}: ${c.projects} (${c.bySplit.train}/${c.bySplit.validation}/${c.bySplit.test}${shared}), split ${c.split === 'project' ? 'by project' : c.split === 'file' ? 'per file' : 'as given'}${largest}`);
  }
  const shared = projects.filter((c) => c.acrossSplits > 0);
  if (shared.length) {
    const cause = shared.some((c) => c.split === 'column')
      ? "the table's split column puts them there: give each project one split"
      : 'the dataset was split before a project was held out whole across its languages: add its folder again for a split that keeps every project in one split';
    lines.push(`warning: projects with files in more than one split (${shared.map((c) => `${c.label} ${c.acrossSplits}`).join(', ')}) share projects between test and training, so test figures overstate accuracy on new code; ${cause}.`);
  }
  const fallback = projects.filter((c) => c.split === 'file' && c.projects > 0).map((c) => c.label);
  if (fallback.length) {
    lines.push(`warning: ${fallback.join(', ')} ${fallback.length === 1 ? 'has' : 'have'} fewer than three projects and ${fallback.length === 1 ? 'was' : 'were'} split per file; their test figures overstate accuracy on new code. Add files from more projects.`);
  }
  return lines;
}

/** Prints a saved dataset: its whole report as JSON (the saved report with its id and projects), or as text. */
async function printDataset(service: CliService, id: number, json: boolean): Promise<void> {
  const report = await service.call('datasets.fullReport', { id });
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
}

/** One dataset command, its arguments checked: built before the store is opened, so a usage error touches nothing. */
type Plan =
  | { sub: 'add'; target: string; options: DatasetCommonOptions }
  | { sub: 'build'; args: ReturnType<typeof buildArgs> }
  | { sub: 'list' }
  | { sub: 'show' | 'delete'; id: number };

function plan(sub: string | undefined, p: Args): Plan {
  if (sub === 'add') {
    if (p.positionals.length !== 1) throw usage('`dataset add` takes exactly one folder, CSV or JSONL file.');
    return { sub, target: p.positionals[0], options: commonOptions(p) };
  }
  if (sub === 'build') return { sub, args: buildArgs(p) };
  if (sub === 'list') return { sub };
  if (sub === 'show' || sub === 'delete') {
    const id = Number(p.positionals[0]);
    if (p.positionals.length !== 1 || !Number.isInteger(id)) throw usage(`\`dataset ${sub}\` takes one dataset id (see \`langlab dataset list\`).`);
    return { sub, id };
  }
  throw usage(sub ? `Unknown dataset command '${sub}'.` : 'Which dataset command?');
}

async function execute(job: Plan, service: CliService, json: boolean): Promise<void> {
  if (job.sub === 'add' || job.sub === 'build') {
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const printer = json && !process.stderr.isTTY ? null : progressPrinter();
    let id: number;
    try {
      id =
        job.sub === 'add'
          ? await addDataset(service, job.target, job.options, controller.signal, printer?.onProgress)
          : await service.runJob(service.call('datasets.build', job.args), { signal: controller.signal, ...(printer ? { onProgress: printer.onProgress } : {}) });
    } finally {
      printer?.done();
      process.off('SIGINT', onSigint);
    }
    await printDataset(service, id, json);
  } else if (job.sub === 'list') {
    const all = await service.call('datasets.headers', {});
    if (json) process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    else {
      if (all.length === 0) process.stdout.write('No datasets yet. Add one with `langlab dataset add <folder>`.\n');
      for (const d of all) {
        const files = d.classes.reduce((n, c) => n + c.files, 0);
        process.stdout.write(`${String(d.id).padStart(4)}  ${d.name}  ${d.kind}  ${d.classes.length} classes, ${files} files  ${new Date(d.createdAt).toISOString()}\n`);
      }
    }
  } else if (job.sub === 'delete') {
    await service.call('datasets.delete', { id: job.id });
    if (json) process.stdout.write(JSON.stringify({ deleted: job.id }) + '\n');
  } else await printDataset(service, job.id, json);
}

/** The `langlab dataset ...` command. */
export const datasetCommand = defineCommand({
  name: 'dataset',
  summary: 'add, build, show and list datasets',
  options: DATASET_OPTIONS,
  usage: () => USAGE,
  async run(p, ctx) {
    const [sub, ...positionals] = p.positionals;
    const job = plan(sub, { values: p.values, positionals });
    let service: CliService;
    try {
      service = await ctx.service();
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
    try {
      await execute(job, service, p.values.json === true);
      return 0;
    } catch (err) {
      // Past the arguments, every failure exits with 1; with --json it is also a JSON line on stdout.
      const message = err instanceof Error ? err.message : String(err);
      if (p.values.json) process.stdout.write(JSON.stringify({ error: { code: err instanceof LanglabError ? err.code : 'INTERNAL', message } }) + '\n');
      process.stderr.write(`${message}\n`);
      return 1;
    } finally {
      service.close();
    }
  },
});
