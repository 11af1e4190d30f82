import type { ScanPhase, ScanProgress } from './types.ts';
import { LanglabError } from '../errors.ts';
import { TrailingThrottle } from '../jobs/throttle.ts';

/**
 * Counts files and bytes and forwards them at a bounded rate, so a 100,000-file scan does not
 * flood a UI with events; a phase change always goes through at once, and the last count of an
 * interval goes out when the interval ends.
 */
export class ProgressReporter {
  filesSeen = 0;
  bytesSeen = 0;
  private phase: ScanPhase = 'walk';
  private readonly throttle: TrailingThrottle<ScanProgress> | undefined;
  private readonly signal: AbortSignal | undefined;

  constructor(options: { onProgress?: (p: ScanProgress) => void; progressIntervalMs?: number; signal?: AbortSignal }) {
    const { onProgress, signal } = options;
    this.signal = signal;
    // A scan stopped by its signal says nothing more, even an update its interval still held.
    if (onProgress) this.throttle = new TrailingThrottle((p) => signal?.aborted || onProgress(p), options.progressIntervalMs ?? 100);
  }

  setPhase(phase: ScanPhase): void {
    this.checkAborted();
    this.phase = phase;
    this.send();
    this.throttle?.flush();
    // 'done' is the last word: no timer outlives the scan.
    if (phase === 'done') this.throttle?.stop();
  }

  file(bytes: number, current?: string): void {
    this.filesSeen++;
    this.bytesSeen += bytes;
    this.tick(current);
  }

  tick(current?: string): void {
    this.checkAborted();
    this.send(current);
  }

  /** Throws the user-facing cancellation error once the signal fires. */
  checkAborted(): void {
    if (this.signal?.aborted) throw cancelled();
  }

  private send(current?: string): void {
    this.throttle?.push({ phase: this.phase, filesSeen: this.filesSeen, bytesSeen: this.bytesSeen, current });
  }
}

/** What every cancellable long operation (dataset scan and save, classification) throws once its signal fires. */
export function cancelled(): LanglabError {
  return new LanglabError('CANCELLED', 'The operation was cancelled before it finished.');
}
