import type { RunLogLine, RunProgress } from '../../../preload/contract.ts';
import { bridge } from '../lib/bridge.ts';
import { errorMessage } from '../lib/bridge-error.ts';
import { jobs } from '../lib/jobs.svelte.ts';
import { MetricHistory } from './metric-history.ts';

const MAX_LOG_LINES = 5000;
const REDRAW_MS = 250;
// Progress events sample a fast run coarsely; while the history is small the stored one (every
// logged step) is read again now and then. Beyond this size only events extend it.
const REFRESH_MS = 5000;
const REFRESH_MAX_POINTS = 50_000;

/**
 * Everything the run page shows while a run trains: its metric history (stored, then extended by
 * progress events), its latest progress and its log. Connecting asks the service for what already
 * happened, so a reloaded page picks up a run in progress where it is.
 */
export class LiveRun {
  readonly runId: number;
  readonly history = new MetricHistory();
  #version = $state(0);
  #progress = $state.raw<RunProgress | undefined>();
  #log = $state.raw<RunLogLine[]>([]);
  #logError = $state<string | undefined>();
  #metricsError = $state<string | undefined>();
  #redraw: ReturnType<typeof setTimeout> | undefined;

  constructor(runId: number) {
    this.runId = runId;
  }

  /** Bumps whenever the history grew; charts read it to know when to redraw (at most every 250 ms). */
  get version(): number {
    return this.#version;
  }
  get progress(): RunProgress | undefined {
    return this.#progress;
  }
  get log(): RunLogLine[] {
    return this.#log;
  }
  get logError(): string | undefined {
    return this.#logError;
  }
  get metricsError(): string | undefined {
    return this.#metricsError;
  }

  /** Subscribes first (so nothing is lost between the snapshot and the stream), then loads; returns the disconnect. */
  connect(running: boolean): () => void {
    const stops = running
      ? [
          jobs.follow('run', this.runId, (p) => {
            this.#progress = p;
            if (this.history.append(p)) this.#scheduleRedraw();
          }),
          bridge.events['run.log']((line) => {
            if (line.runId === this.runId) this.#addLines([line]);
          }),
        ]
      : [];
    void this.reloadMetrics();
    void this.#loadLog();
    if (running) {
      bridge.request['runs.active']({}).then(
        (active) => {
          const mine = active.find((p) => p.runId === this.runId);
          if (!mine || (this.#progress && mine.step < this.#progress.step)) return;
          this.#progress = mine;
          if (this.history.append(mine)) this.#scheduleRedraw();
        },
        () => {},
      );
    }
    const refresh = running ? setInterval(() => this.history.size < REFRESH_MAX_POINTS && void this.reloadMetrics(), REFRESH_MS) : undefined;
    return () => {
      for (const stop of stops) stop();
      clearTimeout(this.#redraw);
      clearInterval(refresh);
    };
  }

  /** Reads the stored history again (at load, and when the run ends so the final curves are exact). */
  async reloadMetrics(): Promise<void> {
    try {
      const series = await bridge.request['runs.metrics']({ runIds: [this.runId] });
      this.history.load(series);
      if (this.#progress) this.history.append(this.#progress);
      this.#metricsError = undefined;
      this.#version++;
    } catch (err) {
      this.#metricsError = errorMessage(err);
    }
  }

  async #loadLog(): Promise<void> {
    try {
      this.#addLines(await bridge.request['runs.log']({ id: this.runId }));
      this.#logError = undefined;
    } catch (err) {
      this.#logError = errorMessage(err);
    }
  }

  #addLines(lines: RunLogLine[]): void {
    if (lines.length === 0) return;
    const last = this.#log.length ? this.#log[this.#log.length - 1].seq : -1;
    const sorted = [...lines].sort((a, b) => a.seq - b.seq);
    if (sorted[0].seq > last) {
      this.#log = [...this.#log, ...sorted].slice(-MAX_LOG_LINES);
      return;
    }
    // Lines streamed while the snapshot was on its way overlap it: merge by sequence number.
    const bySeq = new Map(this.#log.map((l) => [l.seq, l]));
    for (const l of sorted) bySeq.set(l.seq, l);
    this.#log = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-MAX_LOG_LINES);
  }

  #scheduleRedraw(): void {
    if (this.#redraw !== undefined) return;
    this.#redraw = setTimeout(() => {
      this.#redraw = undefined;
      this.#version++;
    }, REDRAW_MS);
  }
}
