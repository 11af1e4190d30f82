// The learning-rate range test's arithmetic (Smith's "LR finder", as the from-scratch guide runs
// it): an exponential ramp of learning rates, the smoothed loss, when to call it diverged, and the
// two suggestions read off the curve. Pure functions so the finder loop and its tests share them.

/** One step of the test: the learning rate used, the raw loss and its smoothed value. */
export interface LrPoint {
  lr: number;
  loss: number;
  smoothed: number;
}

export interface LrSuggestion {
  /** The learning rate where the smoothed loss falls fastest against log(lr). */
  steepest: number | null;
  /** The learning rate of the lowest smoothed loss, divided by 10. */
  minOver10: number | null;
  /** The value "Use this" fills in: the steepest descent when there is one, else minimum/10. */
  suggested: number | null;
}

/** The learning rate of step `i` of `steps`: lo at the first, hi at the last, growing exponentially. */
export function rampLr(i: number, steps: number, lo: number, hi: number): number {
  if (steps <= 1) return lo;
  return lo * (hi / lo) ** (i / (steps - 1));
}

/** The smoothing of the loss: an exponential moving average with bias correction (beta 0.98, as the guide uses). */
export class LossSmoother {
  #avg = 0;
  #n = 0;
  constructor(private readonly beta = 0.98) {}
  add(loss: number): number {
    this.#n++;
    this.#avg = this.beta * this.#avg + (1 - this.beta) * loss;
    return this.#avg / (1 - this.beta ** this.#n);
  }
}

/** Diverged: the smoothed loss has grown past `factor` times the best seen (4x, as the guide stops), or is not finite. */
export function diverged(smoothed: number, best: number, factor = 4): boolean {
  return !Number.isFinite(smoothed) || (Number.isFinite(best) && smoothed > factor * best);
}

/**
 * The suggestions from the curve. The first and last tenth are left out of the steepest slope: the
 * ramp's start is still warming the average, its end is the blow-up.
 */
export function suggestLr(points: readonly LrPoint[]): LrSuggestion {
  if (points.length < 3) return { steepest: null, minOver10: null, suggested: null };
  let minAt = 0;
  for (let i = 1; i < points.length; i++) if (points[i].smoothed < points[minAt].smoothed) minAt = i;
  const minOver10 = points[minAt].lr / 10;
  const skip = Math.floor(points.length / 10);
  let steepest: number | null = null;
  let best = 0;
  for (let i = Math.max(1, skip); i < points.length - skip && i <= minAt; i++) {
    const slope = (points[i].smoothed - points[i - 1].smoothed) / (Math.log(points[i].lr) - Math.log(points[i - 1].lr));
    if (slope < best) {
      best = slope;
      steepest = points[i].lr;
    }
  }
  return { steepest, minOver10, suggested: steepest ?? minOver10 };
}
