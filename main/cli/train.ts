// `langlab train`: a training run from a terminal, through the same RunManager the app uses (worker
// thread, store, run folder), with a progress bar on stderr and one JSON line at the end.

import path from 'node:path';
import type { ModelSpec, RunProgress } from '../../preload/contract.ts';
import { HYPERPARAMETERS, rangeText, type HyperparameterSpec, type Hyperparameters } from '../../preload/hyperparameters.ts';
import { EventHub } from '../api/events.ts';
import { LanglabError } from '../errors.ts';
import { getRun } from '../store/runs.ts';
import type { Store } from '../store/store.ts';
import type { RunManagerOptions } from '../trainer/host/run-manager.ts';
import { type CliCommand, openCliStore, resolveHome } from './command.ts';
import { resolveDataset } from './resolve-dataset.ts';

const flagOf = (s: HyperparameterSpec) => s.key.replaceAll('_', '-');

function usage(): string {
  const lines = HYPERPARAMETERS.map((s) => {
    const flag = `--${flagOf(s)} ${s.type === 'bool' ? 'true|false' : s.type === 'int' ? 'N' : 'x'}`;
    const applies = s.appliesTo.length === 1 ? ` [${s.appliesTo[0]} only]` : '';
    return `  ${flag.padEnd(36)} ${s.help} (${rangeText(s)}; default ${s.defaults.scratch} scratch, ${s.defaults.pretrained} pretrained)${applies}`;
  });
  return [
    'Usage: langlab train --dataset <id|folder|file.csv> --model <folder|scratch> [hyperparameters] [--provider cpu] [--name n] [--json]',
    '',
    'Trains a run in the store (a folder or CSV dataset is added first). Ctrl-C cancels it (KILLED, resumable);',
    'the last line of output is one JSON object: run_id, status, epochs, best_val_loss, best_val_accuracy,',
    'test_accuracy, macro_f1, wall_seconds.',
    '',
    'Hyperparameters:',
    ...lines,
  ].join('\n');
}

interface TrainArgs {
  dataset: string;
  model: string;
  provider: string;
  name?: string;
  json: boolean;
  help: boolean;
  hyperparameters: Partial<Hyperparameters>;
}

function bad(message: string): LanglabError {
  return new LanglabError('INVALID_ARGUMENT', `${message} See \`langlab train --help\`.`);
}

/** Parses the command line; every hyperparameter is a --kebab-case flag taking a value. */
export function parseTrainArgs(argv: string[]): TrainArgs {
  const specs = new Map(HYPERPARAMETERS.map((s) => [flagOf(s), s]));
  const out: TrainArgs = { dataset: '', model: '', provider: 'cpu', json: false, help: false, hyperparameters: {} };
  const hp = out.hyperparameters as Record<string, number | boolean>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') out.json = true;
    else if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw bad(`The option --${name} needs a value.`);
      if (name === 'dataset') out.dataset = value;
      else if (name === 'model') out.model = value;
      else if (name === 'provider') out.provider = value;
      else if (name === 'name') out.name = value;
      else {
        const spec = specs.get(name);
        if (!spec) throw bad(`Unknown option --${name}.`);
        if (spec.type === 'bool') {
          const v = value.toLowerCase();
          if (!['true', 'false', 'yes', 'no', '1', '0'].includes(v)) throw bad(`--${name} takes true or false, got '${value}'.`);
          hp[spec.key] = v === 'true' || v === 'yes' || v === '1';
        } else {
          const v = Number(value);
          if (value.trim() === '' || Number.isNaN(v)) throw bad(`--${name} takes a number (${spec.label}: ${rangeText(spec)}), got '${value}'.`);
          hp[spec.key] = v;
        }
      }
    } else throw bad(`Unexpected argument '${arg}'.`);
  }
  if (!out.help && !out.dataset) throw bad('Which dataset? Give --dataset <id|folder>.');
  if (!out.help && !out.model) throw bad('Which model? Give --model scratch or --model <Hugging Face model folder>.');
  return out;
}

function modelSpec(model: string): ModelSpec {
  return model === 'scratch' ? { kind: 'scratch' } : { kind: 'pretrained', path: path.resolve(model) };
}

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One line describing a run's progress, with a bar when there is room. */
export function progressLine(p: RunProgress, width = 100): string {
  const frac = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
  const parts = [
    `${p.phase.padEnd(10)}`,
    `epoch ${Math.min(p.epoch + 1, p.epochs)}/${p.epochs}`,
    `step ${p.step}/${p.totalSteps}`,
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
export function trainResultJson(store: Store, runId: number, wallSeconds: number): Record<string, unknown> {
  const run = getRun(store.db, runId);
  const test = run.evaluations.filter((e) => e.split === 'test').at(-1) ?? null;
  const num = (key: string) => (typeof run.latest[key] === 'number' ? run.latest[key] : null);
  return {
    run_id: runId,
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
    ...(run.error ? { error: run.error } : {}),
  };
}

/** Runs `langlab train`; `manager` options are replaceable so tests can use a fake engine. */
export async function runTrain(argv: string[], managerOptions: Partial<RunManagerOptions> = {}): Promise<number> {
  const args = parseTrainArgs(argv);
  if (args.help) {
    console.log(usage());
    return 0;
  }
  const t0 = performance.now();
  // Loaded here so that other commands do not pay for the trainer's imports at start-up.
  const { RunManager } = await import('../trainer/host/run-manager.ts');
  const tty = process.stderr.isTTY === true;
  const say = (line: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  const store = openCliStore(undefined);
  const events = new EventHub();
  const manager = new RunManager({ store, dataDir: resolveHome(undefined), events, ...managerOptions });
  const scan = new AbortController();
  let runId: number | null = null;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (runId === null) scan.abort();
    else if (interrupts === 1) {
      say('Cancelling: the run stops after this step and keeps its last checkpoint (Ctrl-C again to stop at once).');
      manager.cancel(runId).catch(() => undefined);
    } else manager.close();
  };
  process.on('SIGINT', onSigint);
  try {
    const datasetId = await resolveDataset(store, args.dataset, scan.signal, say);
    let lastLine = 0;
    let lastPhase = '';
    events.subscribe((name, payload) => {
      if (name === 'run.log') {
        const l = payload as { runId: number; level: string; message: string };
        if (l.runId === runId) say(`${l.level === 'info' ? '' : `${l.level}: `}${l.message}`);
      } else if (name === 'run.progress') {
        const p = payload as RunProgress;
        if (p.runId !== runId) return;
        if (tty) process.stderr.write(`\r\x1b[K${progressLine(p, process.stderr.columns ?? 100)}`);
        else if (p.phase !== lastPhase || performance.now() - lastLine > 10_000) {
          // Piped output gets a line per phase and every ten seconds, not a torrent of carriage returns.
          process.stderr.write(`${progressLine(p, 200)}\n`);
          lastLine = performance.now();
        }
        lastPhase = p.phase;
      }
    });
    ({ runId } = await manager.start({
      ...(args.name ? { name: args.name } : {}),
      datasetId,
      model: modelSpec(args.model),
      hyperparameters: args.hyperparameters,
      provider: args.provider,
    }));
    const summary = await manager.waitFor(runId);
    if (tty) process.stderr.write('\r\x1b[K');
    const result = trainResultJson(store, runId, (performance.now() - t0) / 1000);
    if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      const pct = (v: unknown) => (typeof v === 'number' ? `${(100 * v).toFixed(2)}%` : '--');
      console.log(`Run ${runId} ${summary.status}: test accuracy ${pct(result.test_accuracy)}, macro F1 ${typeof result.macro_f1 === 'number' ? result.macro_f1.toFixed(4) : '--'}, ` +
        `best validation loss ${typeof result.best_val_loss === 'number' ? result.best_val_loss.toFixed(4) : '--'}, ${duration(result.wall_seconds as number)}.`);
      if (summary.status === 'FINISHED') console.log(`See the report with \`langlab eval ${runId}\`; classify files with \`langlab predict ${runId} <file>...\`.`);
    }
    if (summary.status === 'FAILED') say(`Run ${runId} failed: ${summary.error ?? 'unknown error'}`);
    return summary.status === 'FINISHED' ? 0 : summary.status === 'KILLED' || summary.status === 'INTERRUPTED' ? 130 : 1;
  } catch (err) {
    if (args.json) {
      const code = err instanceof LanglabError ? err.code : 'INTERNAL';
      process.stdout.write(JSON.stringify({ run_id: runId, status: 'FAILED', error: { code, message: (err as Error).message } }) + '\n');
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    manager.close();
    store.close();
  }
}

/** The `langlab train` command. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train a run (from scratch or from a model folder) on a dataset',
  run: (argv) => runTrain(argv),
};
