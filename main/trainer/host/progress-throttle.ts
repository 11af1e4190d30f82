// The trainer reports progress every step; the bridge should carry a few updates a second. The
// first update goes out at once, later ones at most every `intervalMs`, and the latest one is never
// lost: it goes out when the interval ends (trailing edge) or when flushed.

/** Rate-limits one run's progress updates. */
export class ProgressThrottle<T> {
  #pending: T | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastSent = -Infinity;

  constructor(
    private readonly send: (value: T) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(value: T): void {
    this.#pending = value;
    const wait = this.#lastSent + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends the pending update now, if there is one. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending === null) return;
    const value = this.#pending;
    this.#pending = null;
    this.#lastSent = this.now();
    this.send(value);
  }

  /** Drops a pending update and its timer. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
  }
}
