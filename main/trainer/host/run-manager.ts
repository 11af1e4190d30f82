// The main thread's side of training: one RunManager per backend (app or CLI). It checks a run
// before anything exists, records it, and composes each training run from its engine process
// (run-launcher.ts: spawning, the message protocol, cancel, crashes) and its store writes
// (run-recorder.ts: log, metrics, results, status), sending its progress to the bridge at a bounded
// rate. However a run ends (finished, cancelled, failed, or its engine process crashing), the run
// is marked and the app keeps going.

import fs from 'node:fs';
import path from 'node:path';
import type { RunLogLine, RunProgress, RunStartArgs, RunStatus, RunSummary } from '../../../preload/contract.ts';
import { storedHyperparameters } from '../../../preload/hyperparameters.ts';
import { LanglabError } from '../../errors.ts';
import type { BridgeEvents } from '../../jobs/bridge-events.ts';
import { JobRegistry, type JobEnd, type JobHandle } from '../../jobs/registry.ts';
import { runLogLines } from '../../store/run-logs.ts';
import { claimRun, deleteRunRows, getRun, runOwnership, setRunStatus } from '../../store/runs.ts';
import type { Store } from '../../store/store.ts';
import { workerEntry } from '../../worker/entries.ts';
import type { EngineSpawner } from './engine-port.ts';
import type { TrainOutcome, TrainRequest } from './protocol.ts';
import { RunLauncher } from './run-launcher.ts';
import { completeHyperparameters, planRun, trainFileCount, type RunPlan } from './run-plan.ts';
import { relativeToData, runDirectory } from './run-paths.ts';
import { LAST_CHECKPOINT, recordNewRun, RunRecorder } from './run-recorder.ts';
import { spawnWorker } from './worker-spawner.ts';

/** The engine entry used unless another is given (tests pass fakes). */
export const DEFAULT_ENGINE_ENTRY = workerEntry('engine').href;

export interface RunManagerOptions {
  store: Store;
  dataDir: string;
  events: BridgeEvents;
  /** How engine processes start: worker threads by default, utilityProcess in Electron. */
  spawn?: EngineSpawner;
  /** The module an engine process runs (tests pass fakes). */
  engineEntry?: string;
  /** Intra-op threads for training; the trainer's default when absent. */
  threads?: number;
  /** better-sqlite3 addon the engine opens the store with (Electron's own build). */
  nativeBinding?: string;
  /** The job registry each run is a job of; one of its own (emitting on `events`) when absent. */
  jobs?: JobRegistry;
  progressIntervalMs?: number;
  metricIntervalMs?: number;
  /** How long a cancelled run may take to write its checkpoint before its process is stopped. */
  cancelGraceMs?: number;
}

interface ActiveRun {
  id: number;
  launcher: RunLauncher;
  recorder: RunRecorder;
  progress: RunProgress;
  job: JobHandle<'run'>;
  ended: Promise<RunSummary>;
  resolveEnded: (summary: RunSummary) => void;
  /** The status is written and the run has left the active list. */
  closed: boolean;
}

const RESUMABLE: readonly RunStatus[] = ['KILLED', 'FAILED', 'INTERRUPTED'];
/** How a run's end reads as a job's. */
const JOB_END: Partial<Record<RunStatus, JobEnd>> = { FINISHED: 'done', KILLED: 'cancelled', INTERRUPTED: 'cancelled' };

function summaryOf(detail: RunSummary & { params?: unknown; artifacts?: unknown; evaluations?: unknown }): RunSummary {
  const { params: _p, artifacts: _a, evaluations: _e, ...summary } = detail;
  return summary;
}

/** Starts, watches, cancels, resumes and deletes training runs. */
export class RunManager {
  readonly #o: Required<Omit<RunManagerOptions, 'threads' | 'nativeBinding'>> & Pick<RunManagerOptions, 'threads' | 'nativeBinding'>;
  readonly #active = new Map<number, ActiveRun>();

  constructor(options: RunManagerOptions) {
    this.#o = {
      spawn: spawnWorker,
      engineEntry: DEFAULT_ENGINE_ENTRY,
      progressIntervalMs: 250,
      metricIntervalMs: 1000,
      cancelGraceMs: 60_000,
      ...options,
      jobs: options.jobs ?? new JobRegistry((info) => options.events.emit('job.progress', info)),
    };
  }

  get #db() {
    return this.#o.store.db;
  }

  /** Checks the request, records the run, makes its folder and starts its engine process. */
  async start(args: RunStartArgs): Promise<{ runId: number }> {
    const plan = planRun(this.#db, args);
    const runId = recordNewRun(this.#db, args, plan);
    const runDir = runDirectory(this.#o.dataDir, runId);
    try {
      fs.mkdirSync(runDir, { recursive: true });
    } catch (err) {
      setRunStatus(this.#db, runId, 'FAILED', `Could not create the run folder ${runDir}: ${(err as Error).message}`);
      this.#changed(runId);
      throw new LanglabError('STORE_READONLY', `Could not create the run folder ${runDir} (${(err as NodeJS.ErrnoException).code}). Check the data folder's permissions.`);
    }
    claimRun(this.#db, runId, relativeToData(this.#o.dataDir, runDir));
    this.#launch(runId, runDir, plan, false);
    return { runId };
  }

  /** Asks a run to stop; resolves once it has ended KILLED with its last checkpoint written. */
  async cancel(id: number): Promise<RunSummary> {
    const run = this.#active.get(id);
    if (!run) throw this.#notActive(id, 'cancelled');
    if (!run.launcher.cancelRequested) {
      run.recorder.log('info', 'Cancel requested: stopping after the current step and saving the last checkpoint.');
      run.launcher.cancel();
    }
    return run.ended;
  }

  /** Continues a KILLED, FAILED or INTERRUPTED run from its last checkpoint, under the same id. */
  async resume(id: number): Promise<{ runId: number }> {
    if (this.#active.has(id)) throw new LanglabError('BUSY', `Run ${id} is already training.`);
    const detail = getRun(this.#db, id);
    if (!RESUMABLE.includes(detail.status)) {
      throw new LanglabError('INVALID_ARGUMENT', `Run ${id} is ${detail.status}; only KILLED, FAILED or INTERRUPTED runs can be resumed.`);
    }
    const owner = runOwnership(this.#db, id);
    const runDir = owner?.artifactDir ? path.resolve(this.#o.dataDir, owner.artifactDir) : runDirectory(this.#o.dataDir, id);
    if (!fs.existsSync(path.join(runDir, LAST_CHECKPOINT))) {
      throw new LanglabError('INVALID_ARGUMENT', `Run ${id} has no checkpoint to resume from (it stopped before its first one was written, or ${runDir} was removed). Start it again instead.`);
    }
    if (detail.datasetId === null) throw new LanglabError('NOT_FOUND', `The dataset run ${id} trained on has been deleted, so it cannot be resumed.`);
    const params = detail.params;
    const given = completeHyperparameters(detail.modelKind, storedHyperparameters(params) as Partial<RunPlan['hyperparameters']>);
    const model = detail.modelKind === 'pretrained' ? { kind: 'pretrained' as const, path: detail.modelSource } : { kind: 'scratch' as const };
    const plan = planRun(this.#db, { datasetId: detail.datasetId, model, hyperparameters: given, provider: detail.provider });
    const fingerprint = params.dataset_fingerprint;
    if (typeof fingerprint === 'string' && fingerprint !== plan.dataset.fingerprint) {
      throw new LanglabError('INVALID_ARGUMENT', `Dataset ${plan.dataset.id} changed since run ${id} started (its fingerprint differs), so the run cannot be resumed on it.`);
    }
    fs.mkdirSync(runDir, { recursive: true });
    claimRun(this.#db, id, relativeToData(this.#o.dataDir, runDir));
    this.#launch(id, runDir, plan, true);
    return { runId: id };
  }

  /** Deletes a run that is not training: its rows and its folder. */
  async delete(id: number): Promise<{ id: number }> {
    if (this.#active.has(id)) throw new LanglabError('BUSY', `Run ${id} is training; cancel it before deleting it.`);
    const owner = runOwnership(this.#db, id);
    if (!owner) throw new LanglabError('NOT_FOUND', `There is no run ${id} in the store. It may have been deleted already; reload the runs list.`);
    if (owner.status === 'RUNNING') {
      throw new LanglabError('BUSY', `Run ${id} is training in another Langlab process (pid ${owner.ownerPid ?? 'unknown'}); stop it there before deleting it.`);
    }
    const runDir = owner.artifactDir ? path.resolve(this.#o.dataDir, owner.artifactDir) : runDirectory(this.#o.dataDir, id);
    deleteRunRows(this.#db, id);
    // Never remove anything outside the data folder, whatever the stored path says.
    if (runDir.startsWith(path.resolve(this.#o.dataDir) + path.sep)) await fs.promises.rm(runDir, { recursive: true, force: true });
    this.#changed(id);
    return { id };
  }

  /** The latest progress of every run training in this process. */
  active(): RunProgress[] {
    return [...this.#active.values()].map((r) => r.progress);
  }

  isActive(id: number): boolean {
    return this.#active.has(id);
  }

  /** A run's log lines after `afterSeq`. */
  log(id: number, afterSeq = 0): RunLogLine[] {
    if (!runOwnership(this.#db, id)) throw new LanglabError('NOT_FOUND', `There is no run ${id} in the store.`);
    return runLogLines(this.#db, id, afterSeq);
  }

  /** Resolves when the run has ended (at once for a run not training here). */
  async waitFor(id: number): Promise<RunSummary> {
    const run = this.#active.get(id);
    return run ? run.ended : summaryOf(getRun(this.#db, id));
  }

  /**
   * Stops every engine process at once (the app is closing; nothing can be awaited): their runs
   * end INTERRUPTED and can be resumed from the checkpoint they last wrote.
   */
  close(): void {
    for (const run of [...this.#active.values()]) {
      run.launcher.kill();
      this.#end(run, 'INTERRUPTED', 'Langlab closed while the run was training; resume it to continue from its last checkpoint.');
    }
  }

  #notActive(id: number, what: string): LanglabError {
    const owner = runOwnership(this.#db, id);
    if (!owner) return new LanglabError('NOT_FOUND', `There is no run ${id} in the store.`);
    if (owner.status === 'RUNNING') {
      return new LanglabError('BUSY', `Run ${id} is training in another Langlab process (pid ${owner.ownerPid ?? 'unknown'}); it can only be ${what} there.`);
    }
    return new LanglabError('INVALID_ARGUMENT', `Run ${id} is not training (it is ${owner.status}), so it cannot be ${what}.`);
  }

  #changed(id: number): void {
    this.#o.events.emit('store.changed', { what: 'runs', id });
  }

  #launch(runId: number, runDir: string, plan: RunPlan, resume: boolean): void {
    const { events } = this.#o;
    const hp = plan.hyperparameters;
    const stepsPerEpoch = Math.ceil(trainFileCount(plan.dataset, hp) / (hp.batch_size * hp.gradient_accumulation_steps));
    let resolveEnded!: (s: RunSummary) => void;
    const ended = new Promise<RunSummary>((resolve) => (resolveEnded = resolve));
    const request: TrainRequest = {
      runId,
      storeFile: this.#o.store.file,
      datasetId: plan.dataset.id,
      model: plan.model,
      hyperparameters: hp,
      provider: plan.provider,
      runDir,
      resume,
      ...(this.#o.threads !== undefined ? { threads: this.#o.threads } : {}),
      ...(this.#o.nativeBinding !== undefined ? { nativeBinding: this.#o.nativeBinding } : {}),
    };
    const recorder = new RunRecorder({
      db: this.#db, dataDir: this.#o.dataDir, runId, runDir, metricIntervalMs: this.#o.metricIntervalMs, onLog: (line) => events.emit('run.log', line),
    });
    const progress: RunProgress = {
      runId,
      phase: 'preparing',
      epoch: 0,
      epochs: hp.epochs,
      step: 0,
      totalSteps: stepsPerEpoch * hp.epochs,
      trainLoss: null,
      trainAccuracy: null,
      valLoss: null,
      valAccuracy: null,
      learningRate: null,
      samplesPerSecond: null,
      etaSeconds: null,
      elapsedSeconds: 0,
    };
    // The run is a job of the registry from its first event; its cancel is the run's.
    const job = this.#o.jobs.track('run', `Training run ${runId}`, progress, {
      store: { id: runId },
      cancel: () => void this.cancel(runId).catch(() => undefined),
      intervalMs: this.#o.progressIntervalMs,
    });
    const run: ActiveRun = {
      id: runId,
      launcher: new RunLauncher({ spawn: this.#o.spawn, entry: this.#o.engineEntry, cancelGraceMs: this.#o.cancelGraceMs }, {
        progress: (p) => this.#progress(run, { ...p, runId }),
        metrics: (points) => recorder.metrics(points),
        log: (level, message) => recorder.log(level, message),
        device: (provider, fallbackReason) => {
          recorder.device(provider, fallbackReason);
          this.#changed(runId);
        },
        done: (outcome) => void this.#finish(run, outcome),
        ended: (status, error) => this.#end(run, status, error),
      }),
      recorder,
      progress,
      job,
      ended,
      resolveEnded,
      closed: false,
    };
    this.#active.set(runId, run);
    this.#changed(runId);
    recorder.log(
      'info',
      `${resume ? 'Resuming' : 'Starting'} run ${runId}: ${plan.modelKind === 'scratch' ? 'from-scratch transformer' : plan.model.kind === 'pretrained' ? plan.model.path : ''} ` +
        `on dataset ${plan.dataset.id} (${plan.dataset.name}), provider ${plan.provider}${resume ? ', from the last checkpoint' : ''}.`,
    );
    run.launcher.start(request);
  }

  /** The one place a run's progress goes out: kept as its latest, and sent as the run job's progress (rate-limited by the registry). */
  #progress(run: ActiveRun, progress: RunProgress): void {
    run.progress = progress;
    run.job.progress(progress);
  }

  async #finish(run: ActiveRun, outcome: TrainOutcome): Promise<void> {
    try {
      await run.recorder.results(outcome);
      this.#end(run, outcome.status);
    } catch (err) {
      this.#end(run, 'FAILED', `The run trained but its results could not be saved: ${(err as Error).message}`);
    }
  }

  #end(run: ActiveRun, status: RunStatus, error?: string): void {
    if (run.closed) return;
    run.closed = true;
    run.launcher.settle();
    run.recorder.end(status, error);
    this.#progress(run, { ...run.progress, phase: 'finished', etaSeconds: null });
    run.job.end(JOB_END[status] ?? 'failed', error ?? null);
    this.#active.delete(run.id);
    this.#changed(run.id);
    run.resolveEnded(summaryOf(getRun(this.#db, run.id)));
  }
}
