// The training figures of one logging interval: every micro-batch's loss, correct predictions and
// gradient norm are summed as the steps go, and each flush turns the interval into its metric rows
// (train_loss, train_accuracy, learning_rate, samples_per_s, grad_norm) and starts the next one.
// The learning rate is kept for every optimizer step, not only the flushed ones: the live chart
// draws it per step (from progress), so the stored history must hold the same points (a warm-up
// of a few steps would otherwise vanish once the run ends). The last flushed figures are what
// progress updates show between flushes.
import type { Example } from './data.ts';
import type { MetricWrite } from './sink.ts';

/** Accumulates one logging interval of training steps and emits its metric rows. */
export class MetricsWindow {
  #samples = 0;
  #lossSum = 0;
  #correct = 0;
  #gradNormSum = 0;
  #steps = 0;
  #since: number;
  /** learning_rate rows of the optimizer steps since the last flush. */
  #rates: MetricWrite[] = [];
  #trainLoss: number | null = null;
  #trainAccuracy: number | null = null;
  #samplesPerSecond: number | null = null;

  constructor(
    private readonly classes: number,
    private readonly emit: (rows: MetricWrite[]) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#since = now();
  }

  /**
   * Adds one micro-batch: its mean loss, its logits (row-major, `classes` per row) and the examples
   * its rows are (indices into `examples`). `gradNorm` is null for a micro-batch that only accumulated.
   */
  add(rows: readonly number[], examples: readonly Example[], loss: number, logits: Float32Array, gradNorm: number | null): void {
    const classes = this.classes;
    this.#samples += rows.length;
    this.#lossSum += loss * rows.length;
    for (let row = 0; row < rows.length; row++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (logits[row * classes + k] > logits[row * classes + best]) best = k;
      if (best === examples[rows[row]].label) this.#correct++;
    }
    if (gradNorm !== null) {
      this.#gradNormSum += gradNorm;
      this.#steps++;
    }
  }

  /** Records the learning rate an optimizer step used; it is emitted with the next flush. */
  stepped(step: number, epoch: number, learningRate: number): void {
    this.#rates.push({ key: 'learning_rate', value: learningRate, step, epoch });
  }

  /**
   * Emits the interval's rows at `step` (nothing when no micro-batch was added), preceded by the
   * learning rate of every earlier step of the interval, and starts a new interval.
   */
  flush(step: number, epoch: number, learningRate: number): void {
    const earlier = this.#rates.filter((r) => r.step < step);
    this.#rates = [];
    if (this.#samples === 0) {
      if (earlier.length) this.emit(earlier);
      return;
    }
    const seconds = (this.now() - this.#since) / 1000;
    this.#trainLoss = this.#lossSum / this.#samples;
    this.#trainAccuracy = this.#correct / this.#samples;
    this.#samplesPerSecond = seconds > 0 ? this.#samples / seconds : null;
    const at = { step, epoch };
    this.emit([
      ...earlier,
      { key: 'train_loss', value: this.#trainLoss, ...at },
      { key: 'train_accuracy', value: this.#trainAccuracy, ...at },
      { key: 'learning_rate', value: learningRate, ...at },
      ...(this.#samplesPerSecond === null ? [] : [{ key: 'samples_per_s', value: this.#samplesPerSecond, ...at }]),
      { key: 'grad_norm', value: this.#gradNormSum / Math.max(1, this.#steps), ...at },
    ]);
    this.#samples = 0;
    this.#lossSum = 0;
    this.#correct = 0;
    this.#gradNormSum = 0;
    this.#steps = 0;
    this.#since = this.now();
  }

  /** The last flushed interval's mean loss (null before the first flush). */
  get trainLoss(): number | null {
    return this.#trainLoss;
  }

  get trainAccuracy(): number | null {
    return this.#trainAccuracy;
  }

  get samplesPerSecond(): number | null {
    return this.#samplesPerSecond;
  }
}
