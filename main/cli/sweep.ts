// `langlab sweep`, `langlab sweep resume <id>` and `langlab sweeps`: sweeps from a terminal through
// the service's `sweeps.*` requests (the SweepRunner the app uses: one trial at a time, each a normal
// run). Trial progress goes to stderr; stdout gets one line per trial as it ends and a last line
// with the best trial (with --json, one JSON object each).

import path from 'node:path';
import type { Hyperparameters, JobInfo, ModelSpec, SweepAxis, SweepDefinition, SweepDetail, SweepMetric, SweepTrial } from '../../preload/contract.ts';
import { HYPERPARAMETERS, parseDecimal, rangeText, type HyperparameterSpec } from '../../preload/hyperparameters.ts';
import { describeTrial, expandSweep, SWEEP_METRICS } from '../../preload/sweep-space.ts';
import { PROVIDER_NAMES } from '../trainer/host/run-plan.ts';
import { usageError, UsageError, wholeNumber } from './args.ts';
import { defineCommand } from './command.ts';
import { HYPERPARAMETER_OPTIONS, hyperparametersFromFlags } from './hyperparameter-flags.ts';
import { resolveDataset } from './resolve-dataset.ts';
import type { CliService } from './service.ts';
import { progressLine, trainResultJson } from './train.ts';

const METRICS = SWEEP_METRICS.map((m) => m.key);

function usage(): string {
  return [
    'Usage: langlab sweep --dataset <id|folder|file.csv> --model <folder|scratch> [--grid key=v1,v2,...]... [--random key=lo:hi[:log]]...',
    '                     [--trials N] [--seed S] [--metric val_loss|val_accuracy|test_accuracy|test_macro_f1] [fixed hyperparameters] [--json]',
    '       langlab sweep resume <sweep-id> [--json]',
    '',
    'Trains one run per trial, one at a time, each a normal run tagged sweep-<id>. With --grid only, every',
    'combination is a trial; with any --random, it is a random search of --trials draws seeded by --seed',
    '(default 0; the same seed draws the same trials), a --grid key then drawn from its list. Ranges are',
    'uniform, or log-uniform with :log; an int hyperparameter draws whole numbers. Keys are the names of',
    '`langlab train --help` (learning_rate or learning-rate). Every value is checked against its range',
    'before anything runs. The other hyperparameter flags of `langlab train` fix a value for every trial.',
    '',
    'Output: one line per trial as it ends (with --json, a JSON object: sweep_id, trial, params and the',
    "fields of `langlab train --json`), then one line with the best trial by --metric (default val_loss).",
    '`--range key=...` is the same as `--random key=...` (and `key=log:lo:hi` reads too); `--random N` alone',
    'is the same as `--trials N`.',
    'Ctrl-C cancels the sweep: the trial in flight ends KILLED, the rest are dropped; `langlab sweep resume <id>`',
    'continues a cancelled or interrupted sweep with the trials not yet run.',
  ].join('\n');
}

const SWEEP_OPTIONS = {
  dataset: { type: 'string' },
  model: { type: 'string' },
  provider: { type: 'string' },
  name: { type: 'string' },
  grid: { type: 'string', multiple: true },
  random: { type: 'string', multiple: true },
  range: { type: 'string', multiple: true },
  trials: { type: 'string' },
  seed: { type: 'string' },
  metric: { type: 'string' },
  ...HYPERPARAMETER_OPTIONS,
} as const;

function specOf(flag: string, given: string): HyperparameterSpec {
  const key = given.trim().replaceAll('-', '_');
  const spec = HYPERPARAMETERS.find((s) => s.key === key);
  if (!spec) throw usageError('sweep', `--${flag} ${given}: there is no hyperparameter "${given.trim()}"; the names are those of \`langlab train --help\`.`);
  return spec;
}

function number(flag: string, spec: HyperparameterSpec, raw: string): number {
  const v = parseDecimal(raw);
  if (Number.isNaN(v)) throw usageError('sweep', `--${flag} ${spec.key}: '${raw}' is not a number (${spec.label}: ${rangeText(spec)}).`);
  return v;
}

/** `--grid key=v1,v2`: a list of values. */
export function gridAxis(text: string): SweepAxis {
  const eq = text.indexOf('=');
  if (eq < 0) throw usageError('sweep', `--grid takes key=v1,v2,..., got '${text}'.`);
  const spec = specOf('grid', text.slice(0, eq));
  const raw = text.slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
  const values = raw.map((v) => {
    if (spec.type !== 'bool') return number('grid', spec, v);
    if (!['true', 'false'].includes(v.toLowerCase())) throw usageError('sweep', `--grid ${spec.key}: takes true or false, got '${v}'.`);
    return v.toLowerCase() === 'true';
  });
  return { key: spec.key, kind: 'grid', values };
}

/** `--random key=lo:hi[:log]` (or `key=log:lo:hi`): a range drawn from at random. */
export function rangeAxis(flag: string, text: string): SweepAxis {
  const eq = text.indexOf('=');
  if (eq < 0) throw usageError('sweep', `--${flag} takes key=low:high or key=low:high:log, got '${text}'.`);
  const spec = specOf(flag, text.slice(0, eq));
  const parts = text.slice(eq + 1).split(':').map((p) => p.trim());
  const log = parts[0] === 'log' || parts.at(-1) === 'log';
  const ends = parts.filter((p, i) => !(p === 'log' && (i === 0 || i === parts.length - 1)) && !(p === 'linear' && i === parts.length - 1));
  if (ends.length !== 2) throw usageError('sweep', `--${flag} ${spec.key}: takes low:high or low:high:log, got '${text.slice(eq + 1)}'.`);
  return { key: spec.key, kind: 'range', low: number(flag, spec, ends[0]), high: number(flag, spec, ends[1]), scale: log ? 'log' : 'linear' };
}

function modelSpec(model: string): ModelSpec {
  return model === 'scratch' ? { kind: 'scratch' } : { kind: 'pretrained', path: path.resolve(model) };
}

const ENDED = (t: SweepTrial) => t.status !== 'PENDING' && t.status !== 'RUNNING';

/** What `langlab sweep --json` prints for a trial that has ended. */
async function trialJson(service: CliService, sweepId: number, t: SweepTrial): Promise<Record<string, unknown>> {
  const head = { sweep_id: sweepId, trial: t.index, params: t.params };
  if (t.runId === null) return { ...head, run_id: null, status: t.status, ...(t.error ? { error: t.error } : {}) };
  const run = await service.call('runs.get', { id: t.runId });
  return { ...head, ...trainResultJson(run, 0) };
}

/** The last line: the sweep's end and its best trial by its metric. */
export function bestJson(sweep: SweepDetail): Record<string, unknown> {
  const best = sweep.best ? sweep.trials.find((t) => t.index === sweep.best!.index) : undefined;
  return {
    sweep_id: sweep.id,
    status: sweep.status,
    metric: sweep.metric,
    trials: sweep.trialsTotal,
    trials_done: sweep.trialsDone,
    best: sweep.best && best ? { trial: best.index, run_id: sweep.best.runId, [sweep.metric]: sweep.best.metric, params: best.params } : null,
  };
}

function fmt(metric: SweepMetric, v: number | null): string {
  if (v === null) return '--';
  return metric === 'val_loss' ? v.toFixed(4) : `${(100 * v).toFixed(2)}%`;
}

/**
 * Follows a sweep to its end: a progress line for the trial in flight on stderr, a line per trial
 * as it ends on stdout, then the best. Ctrl-C cancels the sweep (the trial in flight ends KILLED).
 */
async function followSweep(service: CliService, json: boolean, begin: () => Promise<number>): Promise<number> {
  const tty = process.stderr.isTTY === true;
  const say = (line: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  let sweepId: number | null = null;
  let total = 0;
  const printed = new Set<number>();
  let resolveEnd!: (s: SweepDetail) => void;
  let rejectEnd!: (err: unknown) => void;
  const end = new Promise<SweepDetail>((res, rej) => ((resolveEnd = res), (rejectEnd = rej)));
  // Trials are printed in turn: one check at a time, so no line is printed twice.
  let checking = Promise.resolve();
  const check = () => {
    checking = checking.then(async () => {
      if (sweepId === null) return;
      const sweep = await service.call('sweeps.get', { id: sweepId });
      total = sweep.trialsTotal;
      for (const t of sweep.trials) {
        if (!ENDED(t) || printed.has(t.index)) continue;
        printed.add(t.index);
        if (json) process.stdout.write(JSON.stringify(await trialJson(service, sweep.id, t)) + '\n');
        else if (t.status !== 'DROPPED') {
          if (tty) process.stderr.write('\r\x1b[K');
          console.log(`Trial ${t.index}/${sweep.trialsTotal} ${t.status} (${describeTrial(t.params)}): ${sweep.metric} ${fmt(sweep.metric, t.metric)}${t.runId !== null ? `, run ${t.runId}` : ''}${t.error ? ` - ${t.error}` : ''}`);
        }
      }
      if (sweep.status !== 'RUNNING') resolveEnd(sweep);
    }).catch(rejectEnd);
  };
  const offChanged = service.on('store.changed', (e) => e.what === 'sweeps' && e.id === sweepId && check());
  const trialOf = new Map<number, number>();
  // The sweep's first events can come before its id does; they are kept and read once it is known.
  const early: JobInfo[] = [];
  const sweepEvent = (p: JobInfo) => {
    if (p.kind !== 'sweep' || p.sweepId !== sweepId || p.runId === null || p.trial === null || trialOf.has(p.runId)) return;
    trialOf.set(p.runId, p.trial);
    say(`Trial ${p.trial}/${p.trialsTotal}: run ${p.runId} started.`);
  };
  const offJobs = service.on('job.progress', (p) => {
    if (sweepId === null) early.push(p);
    sweepEvent(p);
    if (p.kind !== 'run' || !trialOf.has(p.runId)) return;
    const line = `trial ${trialOf.get(p.runId)}/${total} ${progressLine(p, (process.stderr.columns ?? 100) - 12)}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
  });
  const offLog = service.on('run.log', (l) => {
    if (trialOf.has(l.runId) && l.level !== 'info') say(`run ${l.runId} ${l.level}: ${l.message}`);
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (sweepId === null) return;
    if (interrupts === 1) {
      say('Cancelling the sweep: the trial in flight stops after this step, the rest are dropped (Ctrl-C again to stop at once).');
      service.call('sweeps.cancel', { id: sweepId }).catch(() => undefined);
    } else {
      // No request stops an engine at once: the sweep, then its trial's run, end INTERRUPTED (resumable).
      service.backend.sweeps.close();
      service.backend.runs.close();
    }
  };
  process.on('SIGINT', onSigint);
  try {
    sweepId = await begin();
    for (const p of early.splice(0)) sweepEvent(p);
    check();
    const sweep = await end;
    if (tty) process.stderr.write('\r\x1b[K');
    const last = bestJson(sweep);
    if (json) process.stdout.write(JSON.stringify(last) + '\n');
    else {
      const best = sweep.best ? sweep.trials.find((t) => t.index === sweep.best!.index) : undefined;
      console.log(`Sweep ${sweep.id} ${sweep.status}: ${sweep.trialsDone} of ${sweep.trialsTotal} trials done.` +
        (best && sweep.best ? ` Best by ${sweep.metric}: trial ${best.index} (${describeTrial(best.params)}), ${fmt(sweep.metric, sweep.best.metric)}, run ${sweep.best.runId}.` : ' No trial has finished with the metric yet.'));
      if (sweep.status === 'KILLED' || sweep.status === 'INTERRUPTED') console.log(`Continue it with \`langlab sweep resume ${sweep.id}\`.`);
    }
    return sweep.status === 'FINISHED' ? 0 : 130;
  } finally {
    process.off('SIGINT', onSigint);
    offChanged();
    offJobs();
    offLog();
    service.close();
  }
}

const RESUME_USAGE = 'Usage: langlab sweep resume <sweep-id> [--json]';

/** `langlab sweep` and `langlab sweep resume <id>`. */
export const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'train a grid or a seeded random search of runs, one at a time, and name the best',
  options: SWEEP_OPTIONS,
  usage,
  async run({ values, positionals }, ctx) {
    if (positionals[0] === 'resume') {
      const id = Number(positionals[1]);
      if (positionals.length !== 2 || !/^\d+$/.test(positionals[1] ?? '') || id < 1) {
        throw new UsageError(`sweep resume takes one sweep id (a whole number from \`langlab sweeps\`), got ${positionals.length > 1 ? `'${positionals.slice(1).join(' ')}'` : 'none'}.\n${RESUME_USAGE}`);
      }
      const service = await ctx.service();
      return followSweep(service, values.json === true, async () => (await service.call('sweeps.resume', { id })).sweepId);
    }
    if (positionals.length) throw usageError('sweep', `Unexpected '${positionals.join(' ')}'.`);
    if (!values.dataset) throw usageError('sweep', 'Which dataset? Give --dataset <id|folder>.');
    if (!values.model) throw usageError('sweep', 'Which model? Give --model scratch or --model <Hugging Face model folder>.');
    const model = modelSpec(values.model);
    const provider = (values.provider ?? 'cpu').trim().toLowerCase();
    if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) throw usageError('sweep', `Execution provider "${values.provider}" is unknown; choose one of ${PROVIDER_NAMES.join(', ')}.`);
    const metric = (values.metric ?? 'val_loss') as SweepMetric;
    if (!METRICS.includes(metric)) throw usageError('sweep', `--metric must be one of ${METRICS.join(', ')}, got '${values.metric}'.`);
    // `--random N` (a bare count, with ranges given as --range) reads as --trials N.
    const counts = (values.random ?? []).filter((t) => /^\d+$/.test(t.trim()));
    const randoms = (values.random ?? []).filter((t) => !/^\d+$/.test(t.trim()));
    if (counts.length > 1 || (counts.length && values.trials !== undefined)) throw usageError('sweep', 'Give the number of trials once (--trials N).');
    const axes = [...(values.grid ?? []).map(gridAxis), ...randoms.map((t) => rangeAxis('random', t)), ...(values.range ?? []).map((t) => rangeAxis('range', t))];
    if (axes.length === 0) throw usageError('sweep', 'Give at least one --grid key=v1,v2 or --random key=low:high.');
    const trials = wholeNumber('sweep', 'trials', values.trials ?? counts[0], 1);
    const seed = wholeNumber('sweep', 'seed', values.seed, 0);
    if (trials !== undefined && !axes.some((a) => a.kind === 'range')) {
      throw usageError('sweep', `--trials ${trials} is for a random search (--random key=low:high); a grid alone runs every combination of its values.`);
    }
    const base: Partial<Hyperparameters> = hyperparametersFromFlags(values, model.kind, 'sweep');
    const definition: SweepDefinition = {
      ...(values.name ? { name: values.name } : {}),
      datasetId: 0,
      model,
      provider,
      base,
      axes,
      ...(trials !== undefined ? { trials } : {}),
      ...(seed !== undefined ? { seed } : {}),
      metric,
    };
    // Checked before a folder dataset is scanned, with the service's own words.
    const problems = expandSweep({ modelKind: model.kind, base, axes, trials, seed }).problems;
    if (problems.length) throw usageError('sweep', problems.map((p) => p.message).join(' '));
    const service = await ctx.service();
    return followSweep(service, values.json === true, async () => {
      const datasetId = await resolveDataset(service, values.dataset!, new AbortController().signal, (line) => process.stderr.write(`${line}\n`));
      return (await service.call('sweeps.start', { ...definition, datasetId })).sweepId;
    });
  },
});

/** `langlab sweeps`: the sweeps in the store. */
export const sweepsCommand = defineCommand({
  name: 'sweeps',
  summary: 'list the sweeps in the store with their progress and best trial',
  options: {},
  usage: () => 'Usage: langlab sweeps [--json]',
  async run({ values }, ctx) {
    const service = await ctx.service();
    try {
      const sweeps = await service.call('sweeps.list', {});
      if (values.json) {
        console.log(JSON.stringify(sweeps));
        return 0;
      }
      if (sweeps.length === 0) {
        console.log('No sweeps in this store yet; start one with `langlab sweep`.');
        return 0;
      }
      console.log(['id', 'status', 'trials', 'metric', 'best', 'best_run', 'name'].join('\t'));
      for (const s of sweeps) {
        console.log([s.id, s.status, `${s.trialsDone}/${s.trialsTotal}`, s.metric, s.best ? fmt(s.metric, s.best.metric) : '-', s.best?.runId ?? '-', s.name].join('\t'));
      }
      return 0;
    } finally {
      service.close();
    }
  },
});
