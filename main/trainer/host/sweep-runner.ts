// Sweeps on the main thread: one SweepRunner per backend drives each sweep's queue of trials, one
// training run at a time, through the RunManager the app's own runs use (so a trial is a normal run,
// tagged with its sweep). The queue lives in the store (store/sweeps.ts): a cancel drops the trials
// not started, and a sweep a crash or a quit cut short can be resumed with the trials it had not run.

import type { Hyperparameters, SweepDefinition, SweepDetail, SweepPlan, SweepSummary } from '../../../preload/contract.ts';
import { describeTrial, expandSweep } from '../../../preload/sweep-space.ts';
import { LanglabError } from '../../errors.ts';
import type { BridgeEvents } from '../../jobs/bridge-events.ts';
import type { JobHandle, JobRegistry } from '../../jobs/registry.ts';
import { setRunTags } from '../../store/runs.ts';
import type { Store } from '../../store/store.ts';
import { claimSweep, createSweep, dropPendingTrials, getSweep, nextPendingTrial, setSweepStatus, setTrialFailed, setTrialRun } from '../../store/sweeps.ts';
import type { RunManager } from './run-manager.ts';
import { planRun } from './run-plan.ts';

export interface SweepRunnerOptions {
  store: Store;
  runs: RunManager;
  jobs: JobRegistry;
  events: BridgeEvents;
}

interface ActiveSweep {
  id: number;
  job: JobHandle<'sweep'>;
  /** The run of the trial in flight. */
  runId: number | null;
  trial: number | null;
  /** A cancel was asked for: no further trial starts, and the rest are dropped. */
  cancelled: boolean;
  /** The backend is closing: nothing more is written (the store closes next). */
  closed: boolean;
  done: Promise<void>;
}

/** The tag every trial's run carries, so the runs list can filter a sweep's runs. */
export const sweepTag = (sweepId: number): string => `sweep-${sweepId}`;

/** Defines, runs, cancels and resumes sweeps. */
export class SweepRunner {
  readonly #o: SweepRunnerOptions;
  readonly #active = new Map<number, ActiveSweep>();

  constructor(options: SweepRunnerOptions) {
    this.#o = options;
  }

  get #db() {
    return this.#o.store.db;
  }

  /**
   * Expands the definition and checks every trial as a run would be checked (dataset, model folder,
   * ranges), so a bad value is refused before anything is recorded; each problem names the value.
   */
  plan(def: SweepDefinition): SweepPlan {
    const expanded = expandSweep({ modelKind: def.model.kind, base: def.base, axes: def.axes, trials: def.trials, seed: def.seed });
    if (expanded.problems.length) throw new LanglabError('INVALID_ARGUMENT', expanded.problems.map((p) => p.message).join(' '));
    for (const [i, trial] of expanded.trials.entries()) {
      try {
        planRun(this.#db, { datasetId: def.datasetId, model: def.model, hyperparameters: { ...def.base, ...trial }, provider: def.provider ?? 'cpu' });
      } catch (err) {
        if (!(err instanceof LanglabError) || err.code !== 'INVALID_ARGUMENT') throw err;
        throw new LanglabError('INVALID_ARGUMENT', `Trial ${i + 1} (${describeTrial(trial)}): ${err.message}`);
      }
    }
    return { trials: expanded.trials, search: expanded.search };
  }

  /** Records the sweep with all its trials and starts the first; one sweep trains at a time. */
  start(def: SweepDefinition): { sweepId: number } {
    this.#refuseBusy();
    const random = def.axes.some((a) => a.kind === 'range');
    // The seed is stored with the sweep, so its draws can be told again.
    const definition: SweepDefinition = { ...def, provider: def.provider ?? 'cpu', ...(random ? { seed: def.seed ?? 0 } : {}) };
    const plan = this.plan(definition);
    const name = def.name?.trim() || `${plan.search === 'grid' ? 'Grid' : 'Random'} sweep of ${def.axes.map((a) => a.key).join(', ')}`;
    const sweepId = createSweep(this.#db, { name, datasetId: def.datasetId, definition, trials: plan.trials });
    this.#drive(sweepId, []);
    return { sweepId };
  }

  /**
   * Continues a KILLED or INTERRUPTED sweep: the trial that was cut short resumes its run from its
   * last checkpoint (or starts again without one), then the trials not yet run follow.
   */
  resume(id: number): { sweepId: number } {
    if (this.#active.has(id)) throw new LanglabError('BUSY', `Sweep ${id} is already running.`);
    this.#refuseBusy();
    const detail = getSweep(this.#db, id);
    if (detail.status === 'RUNNING') throw new LanglabError('BUSY', `Sweep ${id} is running in another Langlab process (the command line or the app).`);
    if (detail.status !== 'KILLED' && detail.status !== 'INTERRUPTED') {
      throw new LanglabError('INVALID_ARGUMENT', `Sweep ${id} is ${detail.status}; only a KILLED or INTERRUPTED sweep can be resumed.`);
    }
    const cutShort = detail.trials.filter((t) => t.runId !== null && (t.status === 'KILLED' || t.status === 'INTERRUPTED'));
    claimSweep(this.#db, id);
    this.#drive(id, cutShort.map((t) => ({ index: t.index, runId: t.runId!, params: t.params })));
    return { sweepId: id };
  }

  /** Cancels the trial in flight (its run ends KILLED) and drops the rest; resolves once the sweep has ended. */
  async cancel(id: number): Promise<SweepSummary> {
    const s = this.#active.get(id);
    if (!s) {
      const detail = getSweep(this.#db, id);
      if (detail.status === 'RUNNING') throw new LanglabError('BUSY', `Sweep ${id} is running in another Langlab process (the command line or the app); cancel it there.`);
      throw new LanglabError('INVALID_ARGUMENT', `Sweep ${id} is not running (it is ${detail.status}), so it cannot be cancelled.`);
    }
    s.cancelled = true;
    if (s.runId !== null && this.#o.runs.isActive(s.runId)) await this.#o.runs.cancel(s.runId).catch(() => undefined);
    await s.done;
    return this.#summary(id);
  }

  isActive(id: number): boolean {
    return this.#active.has(id);
  }

  /** Resolves once the sweep has ended (at once for a sweep not running here). */
  async waitFor(id: number): Promise<SweepSummary> {
    await this.#active.get(id)?.done;
    return this.#summary(id);
  }

  /**
   * The app is closing: every sweep ends INTERRUPTED (resumable) before the run manager stops its
   * trial's run, and nothing of the sweep is written after this.
   */
  close(): void {
    for (const s of this.#active.values()) {
      s.closed = true;
      setSweepStatus(this.#db, s.id, 'INTERRUPTED', 'Langlab closed while the sweep was running; resume it to continue with the trials not yet run.');
      s.job.end('cancelled');
      this.#changed(s.id);
    }
    this.#active.clear();
  }

  #summary(id: number): SweepSummary {
    const { definition: _d, trials: _t, ...summary } = getSweep(this.#db, id);
    return summary;
  }

  #refuseBusy(): void {
    const [running] = this.#active.keys();
    if (running !== undefined) throw new LanglabError('BUSY', `Sweep ${running} is running; trials train one at a time. Cancel it or wait for it to end first.`);
  }

  #changed(id: number): void {
    this.#o.events.emit('store.changed', { what: 'sweeps', id });
  }

  #drive(id: number, cutShort: { index: number; runId: number; params: Partial<Hyperparameters> }[]): void {
    const detail = getSweep(this.#db, id);
    const job = this.#o.jobs.track('sweep', `Sweep ${id}: ${detail.name}`, { sweepId: id, trialsTotal: detail.trialsTotal, trialsDone: detail.trialsDone, trial: null, runId: null }, {
      store: { id },
      cancel: () => void this.cancel(id).catch(() => undefined),
    });
    const s: ActiveSweep = { id, job, runId: null, trial: null, cancelled: false, closed: false, done: Promise.resolve() };
    this.#active.set(id, s);
    s.done = this.#loop(s, detail.definition, cutShort).then(
      () => this.#end(s, null),
      (err: unknown) => this.#end(s, err instanceof Error ? err.message : String(err)),
    );
    this.#changed(id);
  }

  async #loop(s: ActiveSweep, def: SweepDefinition, cutShort: { index: number; runId: number; params: Partial<Hyperparameters> }[]): Promise<void> {
    while (!s.cancelled && !s.closed) {
      const resumed = cutShort.shift();
      const trial = resumed ?? nextPendingTrial(this.#db, s.id);
      if (!trial) return;
      s.trial = trial.index;
      let runId: number;
      try {
        runId = resumed ? await this.#continueRun(s, def, resumed) : await this.#startRun(s, def, trial.index, trial.params);
      } catch (err) {
        if (s.closed) return;
        setTrialFailed(this.#db, s.id, trial.index, (err as Error).message);
        this.#progress(s);
        continue;
      }
      s.runId = runId;
      this.#progress(s);
      await this.#o.runs.waitFor(runId);
      if (s.closed) return;
      s.runId = null;
      this.#progress(s);
    }
  }

  async #startRun(s: ActiveSweep, def: SweepDefinition, index: number, params: Partial<Hyperparameters>): Promise<number> {
    const detail = getSweep(this.#db, s.id);
    const { runId } = await this.#o.runs.start({
      name: `${detail.name} · trial ${index}`,
      datasetId: def.datasetId,
      model: def.model,
      hyperparameters: { ...def.base, ...params },
      provider: def.provider ?? 'cpu',
    });
    setTrialRun(this.#db, s.id, index, runId);
    setRunTags(this.#db, runId, [sweepTag(s.id)]);
    return runId;
  }

  /** The run of a trial a cancel or a crash cut short resumes from its checkpoint; without one, the trial starts again. */
  async #continueRun(s: ActiveSweep, def: SweepDefinition, trial: { index: number; runId: number; params: Partial<Hyperparameters> }): Promise<number> {
    try {
      return (await this.#o.runs.resume(trial.runId)).runId;
    } catch {
      return this.#startRun(s, def, trial.index, trial.params);
    }
  }

  #progress(s: ActiveSweep): void {
    if (s.closed) return;
    const detail = getSweep(this.#db, s.id);
    s.job.progress({ trialsDone: detail.trialsDone, trial: s.runId === null ? null : s.trial, runId: s.runId });
    this.#changed(s.id);
  }

  #end(s: ActiveSweep, error: string | null): void {
    if (s.closed) return;
    this.#active.delete(s.id);
    if (s.cancelled) dropPendingTrials(this.#db, s.id);
    setSweepStatus(this.#db, s.id, s.cancelled ? 'KILLED' : error ? 'INTERRUPTED' : 'FINISHED', error);
    const detail = getSweep(this.#db, s.id);
    s.job.progress({ trialsDone: detail.trialsDone, trial: null, runId: null });
    s.job.end(s.cancelled ? 'cancelled' : error ? 'failed' : 'done', error, s.id);
    this.#changed(s.id);
  }
}
