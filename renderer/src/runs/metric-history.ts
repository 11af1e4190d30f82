import type { MetricSeries, RunProgress } from '../../../preload/contract.ts';
import { phaseCountsFiles } from '../../../preload/contract-common.ts';
import type { XY } from '../lib/decimate.ts';

/** Metric keys the dashboard draws, as the trainer writes them, and where a progress event carries each. */
export const PROGRESS_KEYS = [
  ['train_loss', 'trainLoss'],
  ['train_accuracy', 'trainAccuracy'],
  ['val_loss', 'valLoss'],
  ['val_accuracy', 'valAccuracy'],
  ['learning_rate', 'learningRate'],
  ['samples_per_s', 'samplesPerSecond'],
] as const satisfies readonly (readonly [string, keyof RunProgress])[];

const VALIDATION_KEYS = new Set(['val_loss', 'val_accuracy']);

/**
 * A run's metric history by key: loaded from the store, then extended by live progress events.
 * Plain arrays grown in place (a 100,000-point history is never copied per event); the view keeps
 * a version counter to know when to redraw.
 */
export class MetricHistory {
  readonly #series = new Map<string, XY[]>();

  /** Replaces everything with the stored history (at load, and again when the run ends). */
  load(stored: readonly MetricSeries[]): void {
    this.#series.clear();
    for (const s of stored) this.#series.set(s.key, s.points.map((p) => ({ x: p.step, y: p.value })));
  }

  /**
   * Adds what a progress event says that the history lacks: training values at a new step, and
   * validation values when a new validation produced a different number (progress repeats the
   * last validation result until the next one). Returns whether anything was added.
   */
  append(progress: RunProgress): boolean {
    // Preparing and caching count files, not optimizer steps: nothing of theirs is a metric point.
    if (phaseCountsFiles(progress.phase)) return false;
    let changed = false;
    for (const [key, field] of PROGRESS_KEYS) {
      const value = progress[field];
      if (typeof value !== 'number') continue;
      const points = this.#series.get(key) ?? [];
      const last = points[points.length - 1];
      if (last) {
        if (progress.step < last.x) continue;
        if (VALIDATION_KEYS.has(key) ? last.y === value : progress.step === last.x) continue;
      }
      if (last && progress.step === last.x) points[points.length - 1] = { x: progress.step, y: value };
      else points.push({ x: progress.step, y: value });
      this.#series.set(key, points);
      changed = true;
    }
    return changed;
  }

  get(key: string): readonly XY[] {
    return this.#series.get(key) ?? [];
  }

  /** Points held over all keys. */
  get size(): number {
    let n = 0;
    for (const points of this.#series.values()) n += points.length;
    return n;
  }

  get keys(): string[] {
    return [...this.#series.keys()];
  }

  /**
   * The overfitting indicator at each validation: validation loss minus the mean training loss
   * since the previous validation (rising means the model memorises), and the same for accuracy
   * as training minus validation.
   */
  gap(trainKey: string, valKey: string, sign: 1 | -1): XY[] {
    const train = this.get(trainKey);
    const out: XY[] = [];
    let i = 0;
    let previous = -Infinity;
    let lastBefore: number | null = null;
    for (const v of this.get(valKey)) {
      let sum = 0;
      let n = 0;
      while (i < train.length && train[i].x <= v.x) {
        const y = train[i].y;
        if (y !== null) {
          lastBefore = y;
          if (train[i].x > previous) {
            sum += y;
            n++;
          }
        }
        i++;
      }
      const t = n > 0 ? sum / n : lastBefore;
      previous = v.x;
      if (t === null || v.y === null) continue;
      out.push({ x: v.x, y: sign * (t - v.y) });
    }
    return out;
  }
}
