// The main thread's side of training: one RunManager per backend (app or CLI). It checks a run
// before anything exists, records it, starts its engine process and turns what the engine reports
// into store writes (metrics batched, logs kept) and bridge events (progress rate-limited). However
// a run ends (finished, cancelled, failed, or its engine process crashing), the run is marked and
// the app keeps going.

import fs from 'node:fs';
import path from 'node:path';
import type { RunLogLine, RunProgress, RunStartArgs, RunStatus, RunSummary } from '../../../preload/contract.ts';
import { storedHyperparameters } from '../../../preload/hyperparameters.ts';
import { LanglabError } from '../../errors.ts';
import type { BridgeEvents } from '../../jobs/bridge-events.ts';
import { JobRegistry, type JobEnd, type JobHandle } from '../../jobs/registry.ts';
import { replaceArtifact } from '../../store/artifacts.ts';
import { logMetrics, type MetricRecord } from '../../store/metrics.ts';
import { runLogLines } from '../../store/run-logs.ts';
import { claimRun, createRun, deleteRunRows, getRun, runOwnership, saveRunResults, setRunStatus } from '../../store/runs.ts';
import type { Store } from '../../store/store.ts';
import { workerEntry } from '../../worker/entries.ts';
import type { EnginePort, EngineSpawner } from './engine-port.ts';
import { MetricBatcher } from './metric-batcher.ts';
import { Predictor } from './predictor.ts';
import type { FromEngine, TrainOutcome, TrainRequest } from './protocol.ts';
import { RunLog } from './run-log.ts';
import { completeHyperparameters, planRun, trainFileCount, type RunPlan } from './run-plan.ts';
import { relativeToData, runDirectory, sizeOnDisk } from './run-paths.ts';
import { spawnWorker } from './worker-spawner.ts';

/** The engine entry used unless another is given (tests pass fakes). */
export const DEFAULT_ENGINE_ENTRY = workerEntry('engine').href;

/** Where the trainer (`main/trainer/train.ts`) keeps the checkpoint a run resumes from. */
export const LAST_CHECKPOINT = path.join('checkpoints', 'last');
const BEST_CHECKPOINT = path.join('checkpoints', 'best');

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
  runDir: string;
  port: EnginePort;
  progress: RunProgress;
  job: JobHandle<'run'>;
  metrics: MetricBatcher;
  log: RunLog;
  ended: Promise<RunSummary>;
  resolveEnded: (summary: RunSummary) => void;
  cancelRequested: boolean;
  /** The outcome is decided: later messages and the process's exit are ignored. */
  settled: boolean;
  /** The status is written and the run has left the active list. */
  closed: boolean;
  cancelTimer: NodeJS.Timeout | null;
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
  /** Ranked predictions from finished runs' exported models (the Try it box), off the main thread. */
  readonly predictor: Predictor;

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
    this.predictor = new Predictor();
  }

  get #db() {
    return this.#o.store.db;
  }

  /** Checks the request, records the run, makes its folder and starts its engine process. */
  async start(args: RunStartArgs): Promise<{ runId: number }> {
    const plan = planRun(this.#db, args);
    const modelSource = plan.model.kind === 'pretrained' ? plan.model.path : '';
    const runId = createRun(this.#db, {
      name: args.name?.trim() || defaultName(plan),
      datasetId: plan.dataset.id,
      modelKind: plan.modelKind,
      modelSource,
      provider: plan.provider,
      params: {
        ...plan.hyperparameters,
        model_kind: plan.modelKind,
        model_path: modelSource || null,
        provider: plan.provider,
        dataset_id: plan.dataset.id,
        dataset_name: plan.dataset.name,
        dataset_fingerprint: plan.dataset.fingerprint,
        dataset_split: plan.dataset.splitKind,
      },
    });
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
    if (!run.cancelRequested) {
      run.cancelRequested = true;
      run.log.write('info', 'Cancel requested: stopping after the current step and saving the last checkpoint.');
      run.port.send({ type: 'cancel' });
      run.cancelTimer = setTimeout(() => {
        if (run.settled) return;
        run.log.write('warn', `The engine did not stop within ${Math.round(this.#o.cancelGraceMs / 1000)} s; it was stopped. The last checkpoint is the one written before.`);
        run.port.kill();
        this.#end(run, 'KILLED');
      }, this.#o.cancelGraceMs);
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
    this.predictor.close();
    for (const run of [...this.#active.values()]) {
      run.port.kill();
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
    const run: ActiveRun = {
      id: runId,
      runDir,
      port: null as unknown as EnginePort,
      progress: {
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
      },
      job: null as unknown as JobHandle<'run'>,
      metrics: new MetricBatcher((points) => this.#writeMetrics(runId, points), this.#o.metricIntervalMs),
      log: new RunLog(this.#db, runId, runDir, (line) => events.emit('run.log', line)),
      ended,
      resolveEnded,
      cancelRequested: false,
      settled: false,
      closed: false,
      cancelTimer: null,
    };
    this.#active.set(runId, run);
    run.job = this.#o.jobs.track('run', `Training run ${runId}`, run.progress, {
      store: { id: runId },
      cancel: () => void this.cancel(runId).catch(() => undefined),
      intervalMs: this.#o.progressIntervalMs,
    });
    this.#changed(runId);
    run.log.write(
      'info',
      `${resume ? 'Resuming' : 'Starting'} run ${runId}: ${plan.modelKind === 'scratch' ? 'from-scratch transformer' : plan.model.kind === 'pretrained' ? plan.model.path : ''} ` +
        `on dataset ${plan.dataset.id} (${plan.dataset.name}), provider ${plan.provider}${resume ? ', from the last checkpoint' : ''}.`,
    );
    try {
      run.port = this.#o.spawn(this.#o.engineEntry);
    } catch (err) {
      this.#end(run, 'FAILED', `The engine process could not start: ${(err as Error).message}`);
      return;
    }
    run.port.onMessage((m) => this.#onMessage(run, m));
    run.port.onExit((error) => {
      if (run.settled) return;
      if (run.cancelRequested) {
        run.log.write('warn', `The engine process stopped while cancelling (${error ?? 'stopped'}).`);
        this.#end(run, 'KILLED');
      } else {
        this.#end(run, 'FAILED', `The engine process stopped unexpectedly (${error ?? 'stopped'}). The app is fine; resume the run to continue from its last checkpoint.`);
      }
    });
    run.port.send({ type: 'start', request });
  }

  #onMessage(run: ActiveRun, m: FromEngine): void {
    if (run.settled) return;
    switch (m.type) {
      case 'progress':
        run.progress = { ...m.progress, runId: run.id };
        run.job.progress(run.progress);
        return;
      case 'metrics': {
        const now = Date.now();
        run.metrics.add(m.points.map((p) => ({ key: p.key, value: p.value, step: p.step, epoch: p.epoch, timestamp: now })));
        return;
      }
      case 'log':
        run.log.write(m.level, m.message);
        return;
      case 'failed':
        if (m.code === 'CANCELLED') this.#end(run, 'KILLED');
        else this.#end(run, 'FAILED', m.message);
        run.port.kill();
        return;
      case 'done':
        run.settled = true;
        run.port.kill();
        void this.#finish(run, m.outcome);
        return;
    }
  }

  #writeMetrics(runId: number, points: MetricRecord[]): void {
    try {
      logMetrics(this.#db, runId, points);
    } catch {
      // A run deleted under us, or a closed store at shutdown: nothing left to record into.
    }
  }

  async #finish(run: ActiveRun, outcome: TrainOutcome): Promise<void> {
    try {
      run.metrics.flush();
      const finalStep = outcome.steps;
      const summary: MetricRecord[] = [];
      const put = (key: string, value: number | null) => value !== null && summary.push({ key, value, step: finalStep, epoch: outcome.epochsCompleted });
      put('best_val_loss', outcome.bestValLoss);
      put('best_val_accuracy', outcome.bestValAccuracy);
      // The trainer itself reports test_accuracy and test_macro_f1.
      if (outcome.status === 'FINISHED' && outcome.evaluation) put('test_weighted_f1', outcome.evaluation.weighted.f1);
      put('wall_seconds', outcome.wallSeconds);
      put('epochs_completed', outcome.epochsCompleted);
      const evaluation = outcome.status === 'FINISHED' ? outcome.evaluation : null;
      saveRunResults(this.#db, run.id, { evaluation, predictions: outcome.status === 'FINISHED' ? outcome.predictions : null, metrics: summary });
      const artifacts: [string, string][] = [
        ['checkpoint', path.join(run.runDir, LAST_CHECKPOINT)],
        ['best-checkpoint', path.join(run.runDir, BEST_CHECKPOINT)],
        ['log', run.log.file],
      ];
      if (outcome.exportDir) artifacts.push(['export', outcome.exportDir]);
      for (const [kind, p] of artifacts) {
        if (fs.existsSync(p)) replaceArtifact(this.#db, run.id, kind, relativeToData(this.#o.dataDir, p), await sizeOnDisk(p));
      }
      if (outcome.status === 'FINISHED') {
        const acc = evaluation ? `, test accuracy ${(evaluation.accuracy * 100).toFixed(2)}%` : '';
        run.log.write('info', `Finished after ${outcome.epochsCompleted} epochs and ${outcome.steps} steps in ${outcome.wallSeconds.toFixed(1)} s${acc}.`);
      }
      this.#end(run, outcome.status);
    } catch (err) {
      this.#end(run, 'FAILED', `The run trained but its results could not be saved: ${(err as Error).message}`);
    }
  }

  #end(run: ActiveRun, status: RunStatus, error?: string): void {
    if (run.closed) return;
    run.closed = true;
    run.settled = true;
    if (run.cancelTimer) clearTimeout(run.cancelTimer);
    run.metrics.flush();
    if (status === 'KILLED') run.log.write('info', 'The run was cancelled; its last checkpoint is kept and it can be resumed.');
    if (error) run.log.write('error', error);
    setRunStatus(this.#db, run.id, status, error);
    run.progress = { ...run.progress, phase: 'finished', etaSeconds: null };
    run.job.progress(run.progress);
    run.job.end(JOB_END[status] ?? 'failed', error ?? null);
    this.#active.delete(run.id);
    this.#changed(run.id);
    run.resolveEnded(summaryOf(getRun(this.#db, run.id)));
  }
}

function defaultName(plan: RunPlan): string {
  const model = plan.model.kind === 'pretrained' ? path.basename(plan.model.path) : 'scratch';
  return `${model} on ${plan.dataset.name}`;
}
