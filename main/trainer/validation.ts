// Validation during training and early stopping on its loss, as the reference script does: each
// validation scores the validation split with the current weights; a lower loss than the best so
// far is the new best (its checkpoint is saved) and resets the patience counter, anything else
// counts against `early_stopping_patience`. The best-so-far figures live in the checkpoint state,
// so a resumed run keeps counting where it stopped.
import { LanglabError } from '../errors.ts';
import type { CheckpointState } from './checkpoint.ts';
import type { Example } from './data.ts';
import type { Evaluator } from './evaluator.ts';
import type { TrainSink } from './sink.ts';

/** The part of a checkpoint that early stopping reads and writes. */
export type BestSoFar = Pick<CheckpointState, 'bestValLoss' | 'bestValAccuracy' | 'patienceCounter'>;

/**
 * Records one validation in `best`: a lower loss than the best (or the first one) becomes the best
 * and resets the counter; otherwise the counter grows. `stop` once the counter reaches `patience`
 * (0: never stop early).
 */
export function recordValidation(best: BestSoFar, loss: number, accuracy: number, patience: number): { improved: boolean; stop: boolean } {
  const improved = best.bestValLoss === null || loss < best.bestValLoss;
  if (improved) {
    best.bestValLoss = loss;
    best.bestValAccuracy = accuracy;
    best.patienceCounter = 0;
  } else {
    best.patienceCounter++;
  }
  return { improved, stop: patience > 0 && best.patienceCounter >= patience };
}

export interface ValidatorOptions {
  evaluator: Evaluator;
  examples: readonly Example[];
  /** The current weights by graph name. */
  param: (name: string) => Float32Array | Float64Array;
  batchSize: number;
  classes: number;
  /** early_stopping_patience (0: never stop early). */
  patience: number;
  sink: TrainSink;
  /** Writes the best checkpoint from the current weights and state. */
  saveBest: () => void;
  /** Run seconds so far (over resumes). */
  elapsed: () => number;
}

/** Runs the validations of one training session and decides when to stop early. */
export class Validator {
  #last: { loss: number; accuracy: number } | null;

  /** `resumedBest`: a resumed run shows its best validation until the next one. */
  constructor(private readonly o: ValidatorOptions, resumedBest: BestSoFar) {
    this.#last = resumedBest.bestValLoss === null ? null : { loss: resumedBest.bestValLoss, accuracy: resumedBest.bestValAccuracy ?? 0 };
  }

  /** The latest validation's figures, for progress updates. */
  get last(): { loss: number; accuracy: number } | null {
    return this.#last;
  }

  /**
   * Validates at `st.step` (`epoch` fractional), records it in `st` (saving the best checkpoint when
   * it improved) and says whether training should stop early. A non-finite loss throws TRAINING_FAILED.
   */
  async validate(st: CheckpointState, epoch: number): Promise<boolean> {
    const { sink, patience } = this.o;
    const s = await this.o.evaluator.score(this.o.examples, this.o.param, this.o.batchSize, this.o.classes);
    if (!Number.isFinite(s.loss)) throw new LanglabError('TRAINING_FAILED', `Validation loss became ${s.loss} at step ${st.step} (epoch ${st.epoch + 1}); lower the learning rate.`);
    this.#last = { loss: s.loss, accuracy: s.accuracy };
    sink.metrics([
      { key: 'val_loss', value: s.loss, step: st.step, epoch },
      { key: 'val_accuracy', value: s.accuracy, step: st.step, epoch },
    ]);
    const { improved, stop } = recordValidation(st, s.loss, s.accuracy, patience);
    if (improved) {
      st.secondsToBest = this.o.elapsed();
      this.o.saveBest();
    }
    sink.log('info', `Validation at step ${st.step} (epoch ${epoch.toFixed(2)}): loss ${s.loss.toFixed(4)}, accuracy ${(100 * s.accuracy).toFixed(2)}%` +
      (improved ? ' (best so far, checkpoint saved)' : ` (no improvement ${st.patienceCounter}/${patience || '∞'})`));
    if (stop) sink.log('info', `Early stopping: validation loss has not improved for ${st.patienceCounter} validations.`);
    return stop;
  }
}
