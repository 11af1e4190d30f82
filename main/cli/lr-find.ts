// `langlab lr-find`: the learning-rate range test from the terminal, through the same
// `lrFind.start` job and `lrFind.result` the New Run form uses. Creates no run.
import path from 'node:path';
import type { JobOf, LrFindResult, ModelSpec } from '../../preload/contract.ts';
import { UsageError, wholeNumber } from './args.ts';
import { defineCommand } from './command.ts';
import { HYPERPARAMETER_OPTIONS, hyperparameterHelp, hyperparametersFromFlags } from './hyperparameter-flags.ts';
import { resolveDataset } from './resolve-dataset.ts';

const USAGE = [
  'Usage: langlab lr-find --dataset <id|folder|file.csv> --model <folder|scratch> [--min 1e-7] [--max 1] [--steps 100] [hyperparameters] [--json]',
  '',
  'Trains a fresh model for up to --steps steps while the learning rate grows exponentially from --min',
  'to --max, and stops early when the smoothed loss passes 4x its best. Prints the curve and the',
  'suggestion: the steepest descent of the smoothed loss (and, beside it, the minimum divided by 10).',
  'No run is created and nothing is written to disk. Other hyperparameters (batch size, model size)',
  'are taken as for `langlab train`.',
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
    dataset_id: r.datasetId,
    min_lr: r.minLr,
    max_lr: r.maxLr,
    steps: r.steps,
    steps_run: r.points.length,
    stopped_by: r.stoppedBy,
    suggested_lr: r.suggested,
    steepest_lr: r.steepest,
    min_over_10_lr: r.minOver10,
    curve: r.points.map((p) => ({ lr: p.lr, loss: p.loss, smoothed: p.smoothed })),
  };
}

export const lrFindCommand = defineCommand({
  name: 'lr-find',
  summary: 'learning-rate range test: loss against a growing learning rate, and a suggested rate',
  options: { ...HYPERPARAMETER_OPTIONS, dataset: { type: 'string' }, model: { type: 'string' }, min: { type: 'string' }, max: { type: 'string' }, steps: { type: 'string' } },
  usage: () => USAGE,
  async run({ values }, ctx) {
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
        console.log(`Learning-rate finder on dataset ${datasetId}: ${r.points.length} of ${r.steps} steps, lr ${fmt(r.minLr)} to ${fmt(r.maxLr)}` +
          (r.stoppedBy === 'diverged' ? ', stopped when the loss diverged.' : '.'));
        console.log(`Suggested learning rate: ${fmt(r.suggested)} (steepest descent of the smoothed loss ${fmt(r.steepest)}; minimum/10 ${fmt(r.minOver10)}).`);
      }
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      service.close();
    }
  },
});
