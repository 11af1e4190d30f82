// One run's engine process, seen from the main thread: it is spawned, sent its request, and every
// message it sends (protocol.ts) becomes a call on the run's handlers. The launcher decides how a run
// ends as far as the process is concerned: the trainer's own outcome, its failure, a cancel the
// engine did not honour in time, or the process dying under it. Once a run is settled, later
// messages and the process's exit are ignored.

import type { RunStatus } from '../../../preload/contract.ts';
import type { EnginePort, EngineSpawner } from './engine-port.ts';
import type { FromEngine, MetricWrite, TrainOutcome, TrainRequest, TrainSink } from './protocol.ts';

/** What a run's engine process reports, as calls. */
export interface RunHandlers {
  progress: TrainSink['progress'];
  metrics(points: MetricWrite[]): void;
  log: TrainSink['log'];
  device: NonNullable<TrainSink['device']>;
  /** The trainer returned: its results are to be saved (the process is already stopped). */
  done(outcome: TrainOutcome): void;
  /** The run ended without an outcome: the trainer failed or was cancelled, or its process stopped. */
  ended(status: RunStatus, error?: string): void;
}

export interface RunLauncherOptions {
  spawn: EngineSpawner;
  /** The module the engine process runs. */
  entry: string;
  /** How long a cancelled run may take to write its checkpoint before its process is stopped. */
  cancelGraceMs: number;
}

/** Starts, cancels and stops the engine process of one run, and speaks its message protocol. */
export class RunLauncher {
  #port: EnginePort | null = null;
  #cancelRequested = false;
  #settled = false;
  #cancelTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly o: RunLauncherOptions,
    private readonly handlers: RunHandlers,
  ) {}

  /** Spawns the engine process and sends it the request; a process that cannot start ends the run FAILED. */
  start(request: TrainRequest): void {
    try {
      this.#port = this.o.spawn(this.o.entry);
    } catch (err) {
      this.handlers.ended('FAILED', `The engine process could not start: ${(err as Error).message}`);
      return;
    }
    const port = this.#port;
    port.onMessage((m) => this.#onMessage(port, m));
    port.onExit((error) => {
      if (this.#settled) return;
      if (this.#cancelRequested) {
        this.handlers.log('warn', `The engine process stopped while cancelling (${error ?? 'stopped'}).`);
        this.handlers.ended('KILLED');
      } else {
        this.handlers.ended('FAILED', `The engine process stopped unexpectedly (${error ?? 'stopped'}). The app is fine; resume the run to continue from its last checkpoint.`);
      }
    });
    port.send({ type: 'start', request });
  }

  get cancelRequested(): boolean {
    return this.#cancelRequested;
  }

  /** Asks the trainer to stop; after the grace period the process is stopped and the run ends KILLED. */
  cancel(): void {
    if (this.#cancelRequested) return;
    this.#cancelRequested = true;
    this.#port?.send({ type: 'cancel' });
    this.#cancelTimer = setTimeout(() => {
      if (this.#settled) return;
      this.handlers.log('warn', `The engine did not stop within ${Math.round(this.o.cancelGraceMs / 1000)} s; it was stopped. The last checkpoint is the one written before.`);
      this.#port?.kill();
      this.handlers.ended('KILLED');
    }, this.o.cancelGraceMs);
  }

  /** Stops the process at once (no checkpoint is written). */
  kill(): void {
    this.#port?.kill();
  }

  /** The run's outcome is decided: nothing the process does from now on counts. */
  settle(): void {
    this.#settled = true;
    if (this.#cancelTimer) clearTimeout(this.#cancelTimer);
    this.#cancelTimer = null;
  }

  #onMessage(port: EnginePort, m: FromEngine): void {
    if (this.#settled) return;
    switch (m.type) {
      case 'progress':
        this.handlers.progress(m.progress);
        return;
      case 'metrics':
        this.handlers.metrics(m.points);
        return;
      case 'log':
        this.handlers.log(m.level, m.message);
        return;
      case 'device':
        this.handlers.device(m.provider, m.fallbackReason);
        return;
      case 'failed':
        if (m.code === 'CANCELLED') this.handlers.ended('KILLED');
        else this.handlers.ended('FAILED', m.message);
        port.kill();
        return;
      case 'done':
        this.#settled = true;
        port.kill();
        this.handlers.done(m.outcome);
        return;
    }
  }
}
