// `langlab lr-find`: the learning-rate range test from the terminal, through the same
// `lrFind.start` job and `lrFind.result` the New Run form uses. It is stored as a finder run (no
// training run, no checkpoint), which `--list` and `--show` read back.
import path from 'node:path';
import type { JobOf, LrFindResult, LrFindSummary, ModelSpec } from '../../preload/contract.ts';
import { UsageError, wholeNumber } from './args.ts';
import { defineCommand, type CliContext } from './command.ts';
import { HYPERPARAMETER_OPTIONS, hyperparameterHelp, hyperparametersFromFlags } from './hyperparameter-flags.ts';
import { resolveDataset } from './resolve-dataset.ts';

const USAGE = [
  'Usage: langlab lr-find --dataset <id|folder|file.csv> --model <folder|scratch> [--min 1e-7] [--max 1] [--steps 100] [hyperparameters] [--json]',
  '       langlab lr-find --list [--dataset <id>] [--json]     the stored finder runs, newest first',
  '       langlab lr-find --show <id> [--json]                 one stored finder run with its curve',
  '',
  'Trains a fresh model for up to --steps steps while the learning rate grows exponentially from --min',
  'to --max, and stops early when the smoothed loss passes 4x its best. Prints the curve and the',
  'suggestion: the steepest descent of the smoothed loss (and, beside it, the minimum divided by 10).',
  'The test is stored as a finder run of its own (the ramp, the curve, both suggestions; with --json',
  'too), so the New Run page and --show can show it again; no training run and no checkpoint is',
  'created. Other hyperparameters (batch size, model size) are taken as for `langlab train`.',
  '',
  ...hyperparameterHelp(),
].join('\n');

function positiveNumber(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new UsageError(`--${flag} must be a positive number, got "${raw}".`);
  return v;
}

const fmt = (v: number | null) => (v === null ? '--' : v.toExponential(2));

/** The result as `--json` prints it. */
export function lrFindJson(r: LrFindResult): Record<string, unknown> {
  return {
    id: r.id,
    status: r.status,
    dataset_id: r.datasetId,
    dataset_name: r.datasetName,
    min_lr: r.minLr,
    max_lr: r.maxLr,
    steps: r.steps,
    steps_run: r.points.length,
    stopped_by: r.stoppedBy,
    suggested_lr: r.suggested,
    steepest_lr: r.steepest,
    min_over_10_lr: r.minOver10,
    curve: r.points.map((p) => ({ lr: p.lr, loss: p.loss, smoothed: p.smoothed })),
    started_at: new Date(r.startedAt).toISOString(),
    ended_at: r.endedAt === null ? null : new Date(r.endedAt).toISOString(),
    error: r.error,
  };
}

function summaryJson(f: LrFindSummary): Record<string, unknown> {
  return {
    id: f.id, status: f.status, dataset_id: f.datasetId, dataset_name: f.datasetName, model: f.model.kind === 'scratch' ? 'scratch' : f.model.path,
    min_lr: f.minLr, max_lr: f.maxLr, steps: f.steps, steps_run: f.stepsRun, stopped_by: f.stoppedBy, suggested_lr: f.suggested,
    started_at: new Date(f.startedAt).toISOString(), error: f.error,
  };
}

function printResult(r: LrFindResult): void {
  console.log(`Learning-rate finder run ${r.id} on ${r.datasetName} (${r.status}): ${r.points.length} of ${r.steps} steps, lr ${fmt(r.minLr)} to ${fmt(r.maxLr)}` +
    (r.stoppedBy === 'diverged' ? ', stopped when the loss diverged.' : '.'));
  if (r.error) console.log(`Error: ${r.error}`);
  console.log(`Suggested learning rate: ${fmt(r.suggested)} (steepest descent of the smoothed loss ${fmt(r.steepest)}; minimum/10 ${fmt(r.minOver10)}).`);
}

export const lrFindCommand = defineCommand({
  name: 'lr-find',
  summary: 'learning-rate range test: loss against a growing learning rate, and a suggested rate',
  options: {
    ...HYPERPARAMETER_OPTIONS, dataset: { type: 'string' }, model: { type: 'string' }, min: { type: 'string' }, max: { type: 'string' }, steps: { type: 'string' },
    list: { type: 'boolean' }, show: { type: 'string' },
  },
  usage: () => USAGE,
  async run({ values }, ctx) {
    if (values.list || values.show !== undefined) return showStored(values, ctx);
    if (!values.dataset) throw new UsageError('Which dataset? Give --dataset <id|folder>. See `langlab lr-find --help`.');
    if (!values.model) throw new UsageError('Which model? Give --model scratch or --model <Hugging Face model folder>.');
    const model: ModelSpec = values.model === 'scratch' ? { kind: 'scratch' } : { kind: 'pretrained', path: path.resolve(values.model) };
    const minLr = positiveNumber('min', values.min);
    const maxLr = positiveNumber('max', values.max);
    if ((minLr ?? 1e-7) >= (maxLr ?? 1)) throw new UsageError(`--min (${minLr ?? 1e-7}) must be below --max (${maxLr ?? 1}): the learning rate grows from one to the other.`);
    const steps = wholeNumber('lr-find', 'steps', values.steps, 5);
    const hyperparameters = hyperparametersFromFlags(values, model.kind, 'lr-find');
    const service = await ctx.service();
    const scan = new AbortController();
    const onSigint = () => scan.abort();
    process.on('SIGINT', onSigint);
    const say = (line: string) => process.stderr.write(`${line}\n`);
    try {
      const datasetId = await resolveDataset(service, values.dataset, scan.signal, say);
      let shown = 0;
      const id = await service.runJob(
        service.call('lrFind.start', { datasetId, model, hyperparameters, ...(minLr !== undefined ? { minLr } : {}), ...(maxLr !== undefined ? { maxLr } : {}), ...(steps !== undefined ? { steps } : {}) }),
        {
          signal: scan.signal,
          onProgress: (job: JobOf<'lr.find'>) => {
            if (job.step >= shown + 10 || (job.step > 0 && shown === 0)) {
              shown = job.step;
              say(`step ${job.step}/${job.steps}  lr ${fmt(job.lr)}  loss ${job.loss === null ? '--' : job.loss.toFixed(4)}`);
            }
          },
        },
      );
      const r = await service.call('lrFind.result', { id });
      if (values.json) console.log(JSON.stringify(lrFindJson(r)));
      else {
        printResult(r);
        console.log(`Stored as finder run ${r.id}: \`langlab lr-find --show ${r.id}\` shows it again.`);
      }
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      service.close();
    }
  },
});

/** `--list` and `--show <id>`: the stored finder runs, read back without training anything. */
async function showStored(values: { list?: boolean; show?: string; dataset?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  if (values.list && values.show !== undefined) throw new UsageError('Give either --list or --show <id>, not both. See `langlab lr-find --help`.');
  const datasetId = values.list ? wholeNumber('lr-find', 'dataset', values.dataset, 1) : undefined;
  const id = values.show !== undefined ? wholeNumber('lr-find', 'show', values.show, 1) : undefined;
  const service = await ctx.service();
  try {
    if (id !== undefined) {
      const r = await service.call('lrFind.result', { id });
      if (values.json) console.log(JSON.stringify(lrFindJson(r)));
      else printResult(r);
      return 0;
    }
    const page = await service.call('lrFind.list', { ...(datasetId !== undefined ? { datasetId } : {}), limit: 1000 });
    if (values.json) console.log(JSON.stringify({ total: page.total, items: page.items.map(summaryJson) }));
    else if (page.total === 0) console.log('No learning-rate finder runs in this store yet.');
    else {
      console.log(['id', 'status', 'dataset', 'steps', 'suggested', 'started'].join('\t'));
      for (const f of page.items) console.log([f.id, f.status, f.datasetName, `${f.stepsRun}/${f.steps}`, fmt(f.suggested), new Date(f.startedAt).toISOString()].join('\t'));
      if (page.total > page.items.length) console.log(`(${page.total - page.items.length} more)`);
    }
    return 0;
  } finally {
    service.close();
  }
}
