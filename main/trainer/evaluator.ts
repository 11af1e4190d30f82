// Forward passes without dropout over a split (validation during training, test at the end) with
// whatever weights the runner holds: one session, the trainable weights fed as inputs. With the
// frozen-layer cache, validation reads the cached prefix outputs and runs only the layers above.
import * as ort from 'onnxruntime-node';
import type { ProviderName } from '../engine/runtime/providers.ts';
import { type SecondLook, applySecondLook } from '../engine/tokenize/second-look.ts';
import { createSession } from '../engine/runtime/session.ts';
import { padBatch, profileFeeds, sortedBatches } from './batches.ts';
import type { Example } from './data.ts';
import { PREFIX_INPUT } from './frozen-prefix.ts';
import type { TrainableModel } from './model.ts';
import type { PrefixCache } from './prefix-cache.ts';

/** Loss, accuracy and class probabilities of one split (rows in the split's order). */
export interface SplitScores {
  loss: number;
  accuracy: number;
  probabilities: Float32Array[];
  predicted: number[];
  /** Files that got a second look (0 without one). */
  secondLooks: number;
}

/** Softmax and cross-entropy in float64 from float32 logits (the same mean loss the train graph computes). */
export function scoreLogits(logits: Float32Array, row: number, classes: number, label: number): { probs: Float32Array; loss: number; argmax: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let c = 0; c < classes; c++) {
    const v = logits[row * classes + c];
    if (v > max) {
      max = v;
      argmax = c;
    }
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(logits[row * classes + c] - max);
  const probs = new Float32Array(classes);
  for (let c = 0; c < classes; c++) probs[c] = Math.exp(logits[row * classes + c] - max) / sum;
  const loss = -(logits[row * classes + label] - max - Math.log(sum));
  return { probs, loss, argmax };
}

function argmax(p: Float32Array): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
  return best;
}

/** A second look as the evaluator takes it: the look, and the windows of the files it is taken at (read when needed). */
export interface EvaluatorLook {
  look: SecondLook;
  windowsOf(examples: readonly Example[]): Promise<Int32Array[][]>;
}

/** The batch inputs of one evaluation batch (rows `batch` of `examples`), weights aside. */
type BatchFeeds = (examples: readonly Example[], batch: readonly number[]) => Promise<Record<string, ort.Tensor>>;

/**
 * Runs the model's evaluation graph: the whole model from token ids, or, for validation in a run
 * with the frozen-layer cache, the graph above the prefix from the cached outputs.
 */
export class Evaluator {
  private constructor(private readonly session: ort.InferenceSession, private readonly model: TrainableModel, private readonly feeds: BatchFeeds) {}

  /** The whole model (every frozen weight in the session), for any examples. */
  static async create(model: TrainableModel, padId: number, provider: ProviderName, threads: number): Promise<Evaluator> {
    const { session } = await createSession(model.evalModel(), { provider, intraOpNumThreads: threads });
    return new Evaluator(session, model, async (examples, batch) => {
      const { inputIds, attentionMask } = padBatch(batch.map((i) => examples[i].ids), padId);
      return { input_ids: inputIds, attention_mask: attentionMask, ...profileFeeds(batch.map((i) => examples[i]), model.profileBuckets) };
    });
  }

  /**
   * The layers above the frozen prefix, fed from `cache` (which holds no frozen weight once filled):
   * only for `examples`, whose records are rows `firstRow`.. of the cache, in order.
   */
  static async fromCache(model: TrainableModel, cache: PrefixCache, examples: readonly Example[], firstRow: number, padId: number,
    provider: ProviderName, threads: number): Promise<Evaluator> {
    if (!model.prefix) throw new Error('Evaluator.fromCache: the model has no frozen prefix');
    const rowOf = new Map(examples.map((e, i) => [e, firstRow + i]));
    const { session } = await createSession(model.prefix.evalSuffix(), { provider, intraOpNumThreads: threads });
    return new Evaluator(session, model, async (of, batch) => {
      const rows = batch.map((i) => {
        const row = rowOf.get(of[i]);
        if (row === undefined) throw new Error('Evaluator.fromCache: an example outside the cached split');
        return row;
      });
      const { attentionMask, seq } = padBatch(batch.map((i) => of[i].ids), padId);
      return { [PREFIX_INPUT]: await cache.batch(rows, seq), attention_mask: attentionMask };
    });
  }

  /**
   * Scores `examples` with the weights `param(name)` returns; with `second`, files the model is
   * unsure of also have their spread windows read and their probabilities, prediction and loss come
   * from all the reads together (tokenize/second-look.ts), as the export classifies them.
   */
  async score(examples: readonly Example[], param: (name: string) => Float32Array | Float64Array, batchSize: number, classes: number,
    second?: EvaluatorLook | null): Promise<SplitScores> {
    const weights: Record<string, ort.Tensor> = {};
    for (const p of this.model.evalParams) weights[p.name] = new ort.Tensor('float32', param(p.name) as Float32Array, p.shape);
    const probabilities = new Array<Float32Array>(examples.length);
    const losses = new Float64Array(examples.length);
    const predicted = new Array<number>(examples.length);
    const forward = async (rows: readonly Example[], each: (i: number, logits: Float32Array, row: number) => void) => {
      for (const batch of sortedBatches(rows.map((e) => e.ids.length), batchSize)) {
        const out = await this.session.run({ ...weights, ...(await this.feeds(rows, batch)) }, ['logits']);
        batch.forEach((i, row) => each(i, out.logits.data as Float32Array, row));
      }
    };
    await forward(examples, (i, logits, row) => {
      const s = scoreLogits(logits, row, classes, examples[i].label);
      probabilities[i] = s.probs;
      losses[i] = s.loss;
      predicted[i] = s.argmax;
    });
    let looked: number[] = [];
    if (second) {
      looked = await applySecondLook(probabilities, second.look, async (files) => {
        const spread = await second.windowsOf(files.map((i) => examples[i]));
        return files.map((i, k) => spread[k].map((ids) => ({ ...examples[i], ids })));
      }, async (rows) => {
        const out = new Array<Float32Array>(rows.length);
        await forward(rows, (i, logits, row) => {
          out[i] = scoreLogits(logits, row, classes, rows[i].label).probs;
        });
        return out;
      });
      for (const i of looked) {
        losses[i] = -Math.log(Math.max(probabilities[i][examples[i].label], 1e-30));
        predicted[i] = argmax(probabilities[i]);
      }
    }
    let lossSum = 0;
    let correct = 0;
    examples.forEach((e, i) => {
      lossSum += losses[i];
      if (predicted[i] === e.label) correct++;
    });
    const n = Math.max(1, examples.length);
    return { loss: lossSum / n, accuracy: correct / n, probabilities, predicted, secondLooks: looked.length };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
