// Everything a training run leaves in the store: its row and parameters when it is created, its log
// lines, its metrics (batched), its results when the trainer returns (evaluation, predictions,
// summary metrics, artifacts) and its final status. The run manager decides when; this file is how.

import fs from 'node:fs';
import path from 'node:path';
import type { RunLogLine, RunStartArgs, RunStatus } from '../../../preload/contract.ts';
import { replaceArtifact } from '../../store/artifacts.ts';
import { latestMetric, logMetrics, type MetricRecord } from '../../store/metrics.ts';
import { createRun, saveRunResults, setRunProviderUsed, setRunStatus } from '../../store/runs.ts';
import type { StoreDb } from '../../store/store.ts';
import { MetricBatcher } from './metric-batcher.ts';
import type { MetricWrite, TrainOutcome } from './protocol.ts';
import { RunLog } from './run-log.ts';
import { relativeToData, sizeOnDisk } from './run-paths.ts';
import type { RunPlan } from './run-plan.ts';

/** Where the trainer (`main/trainer/train.ts`) keeps the checkpoint a run resumes from. */
export const LAST_CHECKPOINT = path.join('checkpoints', 'last');
const BEST_CHECKPOINT = path.join('checkpoints', 'best');

/** Creates a new run's row with its parameters (the hyperparameters, the model and the dataset it trains on); returns its id. */
export function recordNewRun(db: StoreDb, args: RunStartArgs, plan: RunPlan): number {
  const modelSource = plan.model.kind === 'pretrained' ? plan.model.path : '';
  return createRun(db, {
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
}

function defaultName(plan: RunPlan): string {
  const model = plan.model.kind === 'pretrained' ? path.basename(plan.model.path) : 'scratch';
  return `${model} on ${plan.dataset.name}`;
}

export interface RunRecorderOptions {
  db: StoreDb;
  dataDir: string;
  runId: number;
  runDir: string;
  /** How often buffered metric points are written (one transaction each time). */
  metricIntervalMs: number;
  /** Each log line once it is stored (the bridge's run.log event). */
  onLog: (line: RunLogLine) => void;
}

/** The store writes of one training run while it trains here. */
export class RunRecorder {
  readonly #log: RunLog;
  readonly #metrics: MetricBatcher;
  /** When this session was launched (the recorder is made just before the engine starts). */
  readonly #launched = Date.now();

  constructor(private readonly o: RunRecorderOptions) {
    this.#log = new RunLog(o.db, o.runId, o.runDir, o.onLog);
    this.#metrics = new MetricBatcher((points) => this.#writeMetrics(points), o.metricIntervalMs);
  }

  /** Adds a numbered line to the run's log (store, log.txt, event). */
  log(level: RunLogLine['level'], message: string): void {
    this.#log.write(level, message);
  }

  /** Stores the provider the engine started on, and why it is not the one asked for (null when it is). */
  device(provider: string, fallbackReason: string | null): void {
    try {
      setRunProviderUsed(this.o.db, this.o.runId, provider, fallbackReason);
    } catch {
      // A run deleted under us: nothing left to record into.
    }
  }

  /** Buffers metric points, stamped with the time they arrived. */
  metrics(points: MetricWrite[]): void {
    const now = Date.now();
    this.#metrics.add(points.map((p) => ({ key: p.key, value: p.value, step: p.step, epoch: p.epoch, timestamp: now })));
  }

  /** Saves what the trainer returned: evaluation and predictions (FINISHED only), summary metrics, artifacts. Throws when the store refuses. */
  async results(outcome: TrainOutcome): Promise<void> {
    const { db, runId, runDir, dataDir } = this.o;
    this.#metrics.flush();
    const finalStep = outcome.steps;
    const summary: MetricRecord[] = [];
    const put = (key: string, value: number | null) => value !== null && summary.push({ key, value, step: finalStep, epoch: outcome.epochsCompleted });
    put('best_val_loss', outcome.bestValLoss);
    put('best_val_accuracy', outcome.bestValAccuracy);
    // The trainer itself reports test_accuracy and test_macro_f1.
    if (outcome.status === 'FINISHED' && outcome.evaluation) put('test_weighted_f1', outcome.evaluation.weighted.f1);
    put('wall_seconds', outcome.wallSeconds);
    // The host's clock from launch to now, over every session of a resumed run (the engine's start
    // included, which wall_seconds leaves out): what the New Run form's time estimate is calibrated on.
    put('run_seconds', (latestMetric(db, runId, 'run_seconds') ?? 0) + (Date.now() - this.#launched) / 1000);
    put('epochs_completed', outcome.epochsCompleted);
    const evaluation = outcome.status === 'FINISHED' ? outcome.evaluation : null;
    saveRunResults(db, runId, { evaluation, predictions: outcome.status === 'FINISHED' ? outcome.predictions : null, metrics: summary });
    const artifacts: [string, string][] = [
      ['checkpoint', path.join(runDir, LAST_CHECKPOINT)],
      ['best-checkpoint', path.join(runDir, BEST_CHECKPOINT)],
      ['log', this.#log.file],
    ];
    if (outcome.exportDir) artifacts.push(['export', outcome.exportDir]);
    for (const [kind, p] of artifacts) {
      if (fs.existsSync(p)) replaceArtifact(db, runId, kind, relativeToData(dataDir, p), await sizeOnDisk(p));
    }
    if (outcome.status === 'FINISHED') {
      const acc = evaluation ? `, test accuracy ${(evaluation.accuracy * 100).toFixed(2)}%` : '';
      this.#log.write('info', `Finished after ${outcome.epochsCompleted} epochs and ${outcome.steps} steps in ${outcome.wallSeconds.toFixed(1)} s${acc}.`);
    }
  }

  /** Writes the buffered metrics, the ending's log lines and the final status. */
  end(status: RunStatus, error?: string): void {
    this.#metrics.flush();
    if (status === 'KILLED') this.#log.write('info', 'The run was cancelled; its last checkpoint is kept and it can be resumed.');
    if (error) this.#log.write('error', error);
    setRunStatus(this.o.db, this.o.runId, status, error);
  }

  #writeMetrics(points: MetricRecord[]): void {
    try {
      logMetrics(this.o.db, this.o.runId, points);
    } catch {
      // A run deleted under us, or a closed store at shutdown: nothing left to record into.
    }
  }
}
