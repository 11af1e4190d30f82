// An exponential moving average of the trainable weights (`ema_decay`). With batches of 16 and a
// learning rate of 1e-3 the weights after any one step carry that step's noise; their average over
// the last thousand or so steps does not. Validation scores the average, the best checkpoint keeps
// it, and so the test report, the export and the int8 export read it. Training itself (AdamW's
// weights and moments) is unchanged, so a run with the average on follows the same path as one
// without it, step for step.
type Floats = Float32Array | Float64Array;

/**
 * The decay used for the n-th update (0-based): the configured one, but smaller while few steps
 * have been averaged, (1 + n) / (10 + n), so the first validations are not dominated by the
 * random initial weights.
 */
export function averageDecay(decay: number, updates: number): number {
  return Math.min(decay, (1 + updates) / (10 + updates));
}

/** The average as a checkpoint keeps it (checkpoint.ts). */
export interface SavedAverage {
  weights: Record<string, Float32Array>;
  /** Updates taken, which set the decay of the next ones. */
  updates: number;
}

/** The running average; `update` after each optimizer step with the runner's current weights. */
export class WeightAverage {
  readonly #avg = new Map<string, Float32Array>();
  #updates: number;

  /**
   * `every`: the average takes the weights every that many steps (the decay is raised to that
   * power), for providers whose weights must be read back from the device first.
   */
  constructor(
    private readonly decay: number,
    readonly every: number,
    names: readonly string[],
    current: (name: string) => Floats,
    saved: SavedAverage | null = null,
  ) {
    for (const name of names) {
      const now = current(name);
      const from = saved?.weights[name] ?? now;
      if (from.length !== now.length) throw new Error(`the saved average of "${name}" has ${from.length} values, the weight ${now.length}`);
      this.#avg.set(name, Float32Array.from(from));
    }
    this.#updates = saved ? saved.updates : 0;
  }

  /** Updates taken so far. */
  get updates(): number {
    return this.#updates;
  }

  /** Whether optimizer step `step` (1-based) is one the average takes. */
  due(step: number): boolean {
    return step % this.every === 0;
  }

  /** avg ← d·avg + (1 − d)·w for every weight, d from `averageDecay` (to the power `every`). */
  update(current: (name: string) => Floats): void {
    const d = averageDecay(this.decay, this.#updates) ** this.every;
    const k = 1 - d;
    for (const [name, avg] of this.#avg) {
      const w = current(name);
      for (let i = 0; i < avg.length; i++) avg[i] += k * (w[i] - avg[i]);
    }
    this.#updates++;
  }

  /** The averaged weight by graph name. */
  param(name: string): Float32Array {
    const a = this.#avg.get(name);
    if (!a) throw new Error(`no averaged parameter "${name}"`);
    return a;
  }

  /** Every averaged weight (the arrays themselves; copy them to keep them past the next update). */
  get weights(): Record<string, Float32Array> {
    return Object.fromEntries(this.#avg);
  }
}
