// Forward passes without dropout over a split (validation during training, test at the end) with
// whatever weights the runner holds: one session, the trainable weights fed as inputs.
import * as ort from 'onnxruntime-node';
import type { ProviderName } from '../engine/runtime/providers.ts';
import { createSession } from '../engine/runtime/session.ts';
import { padBatch, sortedBatches } from './batches.ts';
import type { Example } from './data.ts';
import type { TrainableModel } from './model.ts';

/** Loss, accuracy and class probabilities of one split (rows in the split's order). */
export interface SplitScores {
  loss: number;
  accuracy: number;
  probabilities: Float32Array[];
  predicted: number[];
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

/** Runs the model's evaluation graph. */
export class Evaluator {
  private constructor(private readonly session: ort.InferenceSession, private readonly model: TrainableModel, private readonly padId: number) {}

  static async create(model: TrainableModel, padId: number, provider: ProviderName, threads: number): Promise<Evaluator> {
    const { session } = await createSession(model.evalOnnx, { provider, intraOpNumThreads: threads });
    return new Evaluator(session, model, padId);
  }

  /** Scores `examples` with the weights `param(name)` returns. */
  async score(examples: readonly Example[], param: (name: string) => Float32Array | Float64Array, batchSize: number, classes: number): Promise<SplitScores> {
    const weights: Record<string, ort.Tensor> = {};
    for (const p of this.model.evalParams) weights[p.name] = new ort.Tensor('float32', param(p.name) as Float32Array, p.shape);
    const probabilities = new Array<Float32Array>(examples.length);
    const predicted = new Array<number>(examples.length);
    let lossSum = 0;
    let correct = 0;
    for (const batch of sortedBatches(examples.map((e) => e.ids.length), batchSize)) {
      const { inputIds, attentionMask } = padBatch(batch.map((i) => examples[i].ids), this.padId);
      const out = await this.session.run({ ...weights, input_ids: inputIds, attention_mask: attentionMask }, ['logits']);
      const logits = out.logits.data as Float32Array;
      batch.forEach((i, row) => {
        const s = scoreLogits(logits, row, classes, examples[i].label);
        probabilities[i] = s.probs;
        predicted[i] = s.argmax;
        lossSum += s.loss;
        if (s.argmax === examples[i].label) correct++;
      });
    }
    const n = Math.max(1, examples.length);
    return { loss: lossSum / n, accuracy: correct / n, probabilities, predicted };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
