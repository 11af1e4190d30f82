// Metrics arrive every step; writing each in its own transaction would cost the main thread more
// than it needs. Points are kept in memory and written in one transaction every `intervalMs`
// (one second by default, so a crash loses at most the last second) and whenever the run ends.

import type { MetricRecord } from '../../store/metrics.ts';

/** Buffers one run's metric points and writes them in batches. */
export class MetricBatcher {
  #buffer: MetricRecord[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (points: MetricRecord[]) => void,
    private readonly intervalMs = 1000,
  ) {}

  add(points: MetricRecord[]): void {
    if (points.length === 0) return;
    this.#buffer.push(...points);
    this.#timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Writes everything buffered now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.write(batch);
  }

  get pending(): number {
    return this.#buffer.length;
  }
}
