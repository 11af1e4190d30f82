// Every long operation reports progress far more often than a page can show it (a trainer every
// step, a scan every file). This is the one rate limit they all go through: the first update goes
// out at once, later ones at most once per `intervalMs`, and the latest one is never lost: it goes
// out when the interval ends (trailing edge), or at once when flushed (a phase or status change).

/** Rate-limits one job's progress updates without ever dropping the last one. */
export class TrailingThrottle<T> {
  #pending: { value: T } | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastSent = -Infinity;

  constructor(
    private readonly send: (value: T) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(value: T): void {
    this.#pending = { value };
    const wait = this.#lastSent + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends the pending update now, if there is one. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending === null) return;
    const { value } = this.#pending;
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
