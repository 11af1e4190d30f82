import type { ScanPhase, ScanProgress } from './types.ts';
import { LanglabError } from '../errors.ts';

/**
 * Counts files and bytes and forwards them at a bounded rate, so a 100,000-file scan does not
 * flood a UI with events; a phase change always goes through.
 */
export class ProgressReporter {
  filesSeen = 0;
  bytesSeen = 0;
  private phase: ScanPhase = 'walk';
  private lastSent = 0;
  private readonly listener: ((p: ScanProgress) => void) | undefined;
  private readonly intervalMs: number;
  private readonly signal: AbortSignal | undefined;

  constructor(options: { onProgress?: (p: ScanProgress) => void; progressIntervalMs?: number; signal?: AbortSignal }) {
    this.listener = options.onProgress;
    this.intervalMs = options.progressIntervalMs ?? 100;
    this.signal = options.signal;
  }

  setPhase(phase: ScanPhase): void {
    this.checkAborted();
    this.phase = phase;
    this.send(undefined, true);
  }

  file(bytes: number, current?: string): void {
    this.filesSeen++;
    this.bytesSeen += bytes;
    this.tick(current);
  }

  tick(current?: string): void {
    this.checkAborted();
    if (this.listener && Date.now() - this.lastSent >= this.intervalMs) this.send(current, false);
  }

  /** Throws the user-facing cancellation error once the signal fires. */
  checkAborted(): void {
    if (this.signal?.aborted) throw cancelled();
  }

  private send(current: string | undefined, force: boolean): void {
    if (!this.listener) return;
    const now = Date.now();
    if (!force && now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    this.listener({ phase: this.phase, filesSeen: this.filesSeen, bytesSeen: this.bytesSeen, current });
  }
}

/** What every cancellable long operation (dataset scan and save, classification) throws once its signal fires. */
export function cancelled(): LanglabError {
  return new LanglabError('CANCELLED', 'The operation was cancelled before it finished.');
}
