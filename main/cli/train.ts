// `langlab train`: a training run from a terminal, through the service's `runs.start` (the run
// manager the app uses: worker thread, store, run folder), with a progress bar on stderr from the
// `run` jobs' `job.progress` events and one JSON line at the end.

import path from 'node:path';
import type { ModelSpec, RunDetail, RunProgress } from '../../preload/contract.ts';
import { phaseCountsFiles } from '../../preload/contract-common.ts';
import { LanglabError } from '../errors.ts';
import { UsageError, wholeNumber } from './args.ts';
import { defineCommand } from './command.ts';
import { HYPERPARAMETER_OPTIONS, hyperparameterHelp, hyperparametersFromFlags } from './hyperparameter-flags.ts';
import { PROVIDER_NAMES } from '../trainer/host/run-plan.ts';
import { resolveDataset } from './resolve-dataset.ts';
import type { CliService } from './service.ts';

function usage(): string {
  return [
    `Usage: langlab train --dataset <id|folder|file.csv> --model <folder|scratch> [hyperparameters] [--provider ${PROVIDER_NAMES.join('|')}] [--threads N] [--name n] [--json]`,
    '',
    'Trains a run in the store (a folder or CSV dataset is added first). Ctrl-C cancels it (KILLED, resumable);',
    'the last line of output is one JSON object: run_id, status, epochs, best_val_loss, best_val_accuracy,',
    'test_accuracy, macro_f1, wall_seconds, provider (the one it ran on) and, when it differs from the one asked',
    'for, provider_requested and provider_warning.',
    '',
    '  --provider <name>  where the steps run (default cpu). A provider that does not start here (no GPU',
    '                     adapter, no CUDA libraries) falls back to the CPU with a warning; `langlab info`',
    '                     lists the providers this machine has and the device behind each.',
    '  --threads <N>      CPU threads a step may use (default: every core). At one thread a run, and one',
    '                     resumed after a stop, gives the same weights every time.',
    '',
    'Hyperparameters:',
    ...hyperparameterHelp(),
  ].join('\n');
}

const TRAIN_OPTIONS = {
  dataset: { type: 'string' },
  model: { type: 'string' },
  provider: { type: 'string' },
  threads: { type: 'string' },
  name: { type: 'string' },
  ...HYPERPARAMETER_OPTIONS,
} as const;

function modelSpec(model: string): ModelSpec {
  return model === 'scratch' ? { kind: 'scratch' } : { kind: 'pretrained', path: path.resolve(model) };
}

/** Seconds as "42s", "5m16s" or "2h05m"; "--" when unknown. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One line describing a run's progress, with a bar when there is room. */
export function progressLine(p: RunProgress, width = 100): string {
  const frac = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
  const parts = [
    `${p.phase.padEnd(10)}`,
    // Progress counts epochs from 1 (0 while preparing), as the run page shows them.
    `epoch ${Math.min(Math.max(p.epoch, 1), p.epochs)}/${p.epochs}`,
    `${phaseCountsFiles(p.phase) ? 'files' : 'step'} ${p.step}/${p.totalSteps}`,
    p.trainLoss !== null ? `loss ${p.trainLoss.toFixed(4)}` : '',
    p.trainAccuracy !== null ? `acc ${(100 * p.trainAccuracy).toFixed(1)}%` : '',
    p.valLoss !== null ? `val ${p.valLoss.toFixed(4)}` : '',
    p.valAccuracy !== null ? `val acc ${(100 * p.valAccuracy).toFixed(1)}%` : '',
    `eta ${duration(p.etaSeconds)}`,
  ].filter(Boolean);
  const text = `${(100 * frac).toFixed(0).padStart(3)}% ${parts.join('  ')}`;
  const barWidth = Math.max(0, Math.min(30, width - text.length - 3));
  if (barWidth < 10) return text.slice(0, width - 1);
  const filled = Math.round(frac * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
}

/** What `langlab train --json` prints last: the run's outcome in one object. */
export function trainResultJson(run: RunDetail, wallSeconds: number): Record<string, unknown> {
  const test = run.evaluations.filter((e) => e.split === 'test').at(-1) ?? null;
  const num = (key: string) => (typeof run.latest[key] === 'number' ? run.latest[key] : null);
  return {
    run_id: run.id,
    status: run.status,
    epochs: num('epochs_completed'),
    best_val_loss: num('best_val_loss'),
    best_val_accuracy: num('best_val_accuracy'),
    // The kind of split the test figure comes from: 'project' only when every class held out whole projects.
    split: run.params.dataset_split === 'project' ? 'project' : 'file',
    split_detail: typeof run.params.dataset_split === 'string' ? run.params.dataset_split : 'file',
    test_accuracy: test ? test.accuracy : null,
    macro_f1: test ? test.macro.f1 : null,
    wall_seconds: num('wall_seconds') ?? Math.round(wallSeconds * 1000) / 1000,
    provider: run.providerUsed ?? run.provider,
    ...(run.providerUsed !== null && run.providerUsed !== run.provider ? { provider_requested: run.provider } : {}),
    ...(run.providerWarning ? { provider_warning: run.providerWarning } : {}),
    ...(run.error ? { error: run.error } : {}),
  };
}

/** Resolves with the run once it has ended, told by the `store.changed` event its end sends. */
function runEnd(service: CliService): { waitFor: (id: number) => Promise<RunDetail>; off: () => void } {
  let id: number | null = null;
  let resolve!: (run: RunDetail) => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<RunDetail>((res, rej) => ((resolve = res), (reject = rej)));
  const check = () => {
    if (id !== null) service.call('runs.get', { id }).then((run) => run.status !== 'RUNNING' && resolve(run), reject);
  };
  const off = service.on('store.changed', (e) => {
    if (e.what === 'runs' && e.id === id) check();
  });
  return {
    waitFor: (runId) => {
      id = runId;
      check(); // in case it ended before its id was known here
      return done;
    },
    off,
  };
}

/**
 * Runs one training session to its end from the terminal, for `train` and `resume`: `begin` starts
 * it (a scan it runs first can be aborted) and returns the run's id; a progress bar goes to stderr,
 * log lines too, and the last line (with --json, one object) says how it ended. Ctrl-C cancels the
 * run (KILLED, resumable); a second Ctrl-C stops it at once (INTERRUPTED, resumable).
 */
async function followRun(service: CliService, json: boolean, begin: (scan: AbortSignal, say: (line: string) => void) => Promise<number>): Promise<number> {
  const t0 = performance.now();
  const tty = process.stderr.isTTY === true;
  const say = (line: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  const end = runEnd(service);
  const scan = new AbortController();
  let runId: number | null = null;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (runId === null) scan.abort();
    else if (interrupts === 1) {
      say('Cancelling: the run stops after this step and keeps its last checkpoint (Ctrl-C again to stop at once).');
      service.call('runs.cancel', { id: runId }).catch(() => undefined);
    } else service.backend.runs.close(); // no request stops an engine at once: the run ends INTERRUPTED, resumable
  };
  process.on('SIGINT', onSigint);
  try {
    let lastLine = 0;
    let lastPhase = '';
    service.on('run.log', (l) => {
      if (l.runId === runId) say(`${l.level === 'info' ? '' : `${l.level}: `}${l.message}`);
    });
    service.on('job.progress', (p) => {
      if (p.kind !== 'run' || p.storeId !== runId) return;
      if (tty) process.stderr.write(`\r\x1b[K${progressLine(p, process.stderr.columns ?? 100)}`);
      else if (p.phase !== lastPhase || performance.now() - lastLine > 10_000) {
        // Piped output gets a line per phase and every ten seconds, not a torrent of carriage returns.
        process.stderr.write(`${progressLine(p, 200)}\n`);
        lastLine = performance.now();
      }
      lastPhase = p.phase;
    });
    runId = await begin(scan.signal, say);
    const run = await end.waitFor(runId);
    if (tty) process.stderr.write('\r\x1b[K');
    const result = trainResultJson(run, (performance.now() - t0) / 1000);
    if (json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      const pct = (v: unknown) => (typeof v === 'number' ? `${(100 * v).toFixed(2)}%` : '--');
      console.log(`Run ${runId} ${run.status}: test accuracy ${pct(result.test_accuracy)}, macro F1 ${typeof result.macro_f1 === 'number' ? result.macro_f1.toFixed(4) : '--'}, ` +
        `best validation loss ${typeof result.best_val_loss === 'number' ? result.best_val_loss.toFixed(4) : '--'}, ${duration(result.wall_seconds as number)} on ${result.provider}.`);
      if (run.providerWarning) console.log(`It asked for ${run.provider} but ran on ${run.providerUsed ?? 'cpu'}: ${run.providerWarning}`);
      if (run.status === 'FINISHED') console.log(`See the report with \`langlab eval ${runId}\`; classify files with \`langlab predict ${runId} <file>...\`.`);
      if (run.status === 'KILLED' || run.status === 'INTERRUPTED') console.log(`Continue it from its last checkpoint with \`langlab resume ${runId}\`.`);
    }
    if (run.status === 'FAILED') say(`Run ${runId} failed: ${run.error ?? 'unknown error'}`);
    return run.status === 'FINISHED' ? 0 : run.status === 'KILLED' || run.status === 'INTERRUPTED' ? 130 : 1;
  } catch (err) {
    if (json) {
      const code = err instanceof LanglabError ? err.code : 'INTERNAL';
      process.stdout.write(JSON.stringify({ run_id: runId, status: 'FAILED', error: { code, message: (err as Error).message } }) + '\n');
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    end.off();
    service.close();
  }
}

/** `langlab train`. */
export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train a run (from scratch or from a model folder) on a dataset',
  options: TRAIN_OPTIONS,
  usage,
  async run({ values }, ctx) {
    if (!values.dataset) throw new UsageError('Which dataset? Give --dataset <id|folder>. See `langlab train --help`.');
    if (!values.model) throw new UsageError('Which model? Give --model scratch or --model <Hugging Face model folder>. See `langlab train --help`.');
    const model = modelSpec(values.model);
    const provider = (values.provider ?? 'cpu').trim().toLowerCase();
    // Checked before a folder dataset is scanned, with the service's own wording.
    if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) {
      throw new UsageError(`Execution provider "${values.provider}" is unknown; choose one of ${PROVIDER_NAMES.join(', ')}.`);
    }
    const hyperparameters = hyperparametersFromFlags(values, model.kind);
    const service = await ctx.service(threadsOption('train', values.threads));
    return followRun(service, values.json === true, async (scan, say) => {
      const datasetId = await resolveDataset(service, values.dataset!, scan, say);
      const { runId } = await service.call('runs.start', { ...(values.name ? { name: values.name } : {}), datasetId, model, hyperparameters, provider });
      return runId;
    });
  },
});

/** `--threads N` as a backend option: absent, every core. */
function threadsOption(command: string, raw: string | undefined): { threads?: number } {
  const threads = wholeNumber(command, 'threads', raw, 1);
  return threads === undefined ? {} : { threads };
}

const RESUME_USAGE = [
  'Usage: langlab resume <run-id> [--threads N] [--json]',
  '',
  'Continues a KILLED, FAILED or INTERRUPTED run from its last checkpoint, in the store, with its own',
  'hyperparameters and dataset (which must not have changed); it ends as an uninterrupted run would.',
  'Output as `langlab train`: progress on stderr, and the same last line (with --json, one JSON object).',
  '--threads N as for `langlab train` (give the run\'s own count to get the weights it would have had).',
].join('\n');

/** `langlab resume`: `runs.resume`, followed like `train`. */
export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'continue a cancelled or interrupted run from its last checkpoint',
  options: { threads: { type: 'string' } },
  usage: () => RESUME_USAGE,
  async run({ values, positionals }, ctx) {
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !/^\d+$/.test(positionals[0] ?? '') || id < 1) {
      throw new UsageError(`resume takes one run id (a whole number from \`langlab runs\`), got ${positionals.length ? `'${positionals.join(' ')}'` : 'none'}.\n${RESUME_USAGE}`);
    }
    const service = await ctx.service(threadsOption('resume', values.threads));
    return followRun(service, values.json === true, async () => (await service.call('runs.resume', { id })).runId);
  },
});
