// How fast a classification job goes and how long it has left, for its progress line: the rate
// over the last few seconds, so a slow start (the model loading) or a run of large files does not
// hold the estimate down for the rest of the job.

/** A job's files per second and seconds left; null until two updates lie apart in time. */
export interface Rate {
  filesPerSecond: number | null;
  etaSeconds: number | null;
}

/** Files per second over a sliding window of updates, and the time left at that rate. */
export class RateMeter {
  readonly #samples: { t: number; done: number }[] = [];
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(options: { windowMs?: number; now?: () => number } = {}) {
    this.#windowMs = options.windowMs ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Records that `done` of `total` files are done now; returns the rate and the time left. */
  update(done: number, total: number): Rate {
    const t = this.#now();
    this.#samples.push({ t, done });
    // Keep one sample at or before the window's start, so the window is always spanned.
    while (this.#samples.length > 2 && this.#samples[1].t <= t - this.#windowMs) this.#samples.shift();
    const first = this.#samples[0];
    const seconds = (t - first.t) / 1000;
    if (seconds <= 0) return { filesPerSecond: null, etaSeconds: null };
    const filesPerSecond = (done - first.done) / seconds;
    return { filesPerSecond, etaSeconds: filesPerSecond > 0 ? Math.max(0, total - done) / filesPerSecond : null };
  }
}
