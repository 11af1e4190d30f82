// One micro-batch's inputs for a training step, shared by the training loop and the learning-rate
// finder so both feed the engine the same way.
import type { MaskGenerator } from '../engine/optim/dropout-mask.ts';
import type { Feeds } from '../engine/runtime/train-step-runner.ts';
import { labelTensor, lowercaseSome, padBatch, profileFeeds, randomWindow, reindentSome, snippetSome } from './batches.ts';
import type { Example } from './data.ts';
import type { TrainableModel } from './model.ts';

/**
 * The batch's windows of the training files (random ones when the run draws them, a few lines for a
 * share of them, some indented the other way or in lower case), padded, with its labels and dropout
 * masks. `repeats` (from `earlierDraws`) says for each row how many times the epoch drew its file
 * before, so a second draw of a file is augmented anew; without it every row is a first draw.
 */
export function trainFeeds(train: readonly Example[], batch: readonly number[], o: { model: TrainableModel; padId: number; seed: number; epoch: number; masks: MaskGenerator; repeats?: readonly number[] }): Feeds {
  const rows = batch.map((i) => train[i]);
  const ids = rows.map((e, k) => {
    const repeat = o.repeats?.[k] ?? 0;
    // Re-indented before the window is drawn, so a row that grows still reads the file's head and tail.
    const whole = reindentSome(e.source ?? e.ids, e.source ? Infinity : o.model.maxLength, o.model.reindentShare, o.seed, o.epoch, e.fileIndex, repeat);
    const snippet = snippetSome(whole, e.ids.length, o.model.snippetShare, o.seed, o.epoch, e.fileIndex, repeat);
    const row = snippet !== whole ? snippet : e.source ? randomWindow(whole, e.ids.length, o.seed, o.epoch, e.fileIndex, repeat) : whole;
    return lowercaseSome(row, o.model.lowercaseShare, o.seed, o.epoch, e.fileIndex, repeat);
  });
  const { inputIds, attentionMask, seq } = padBatch(ids, o.padId);
  return {
    input_ids: inputIds, attention_mask: attentionMask, labels: labelTensor(rows.map((e) => e.label)), ...o.model.dropout.masks(o.masks, { batch: rows.length, seq }),
    ...(o.model.extraFeeds ? o.model.extraFeeds(inputIds) : {}),
    ...profileFeeds(rows, o.model.profileBuckets),
  };
}
