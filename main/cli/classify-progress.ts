// What `langlab classify` says on stderr while it works: files done of the total, files per
// second and the time left, redrawn in place on a terminal and every ten seconds when piped.
import type { Rate } from '../classify/rate-meter.ts';
import { duration } from './train.ts';

/** One progress line: "1,234 of 100,000 files  312 files/s  eta 5m16s". */
export function classifyProgressLine(done: number, total: number, rate: Rate): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
  const speed = rate.filesPerSecond === null ? '-- files/s' : `${Math.round(rate.filesPerSecond).toLocaleString('en-US')} files/s`;
  return `${String(pct).padStart(3)}% ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files  ${speed}  eta ${duration(rate.etaSeconds)}`;
}

/** Writes the progress lines of one classification to `out`: in place on a terminal (at most 5 a second), else a line every ten seconds. */
export class ClassifyProgress {
  #last = -Infinity;
  #drawn = false;
  /** A line drawn in place was cleared for other output: draw it again at the next update. */
  #cleared = false;

  constructor(
    private readonly out: { write(text: string): unknown; isTTY?: boolean },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The walk is done: how many files there are to read, and how many were left out by it. */
  found(total: number, skipped: number): void {
    this.#line(`${total.toLocaleString('en-US')} files to classify (${skipped.toLocaleString('en-US')} left out so far).`);
  }

  update(done: number, total: number, rate: Rate): void {
    const t = this.now();
    if (!this.#cleared && t - this.#last < (this.out.isTTY ? 200 : 10_000)) return;
    this.#cleared = false;
    this.#last = t;
    const line = classifyProgressLine(done, total, rate);
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${line}`);
      this.#drawn = true;
    } else this.out.write(`${line}\n`);
  }

  /** Clears a line drawn in place, before other output (a batch's result lines, the summary). */
  done(): void {
    if (this.#drawn) {
      this.out.write('\r\x1b[K');
      this.#cleared = true;
    }
    this.#drawn = false;
  }

  #line(text: string): void {
    this.done();
    this.out.write(`${text}\n`);
  }
}
