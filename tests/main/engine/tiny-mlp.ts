// A tiny classifier used by optimizer and runtime tests (a helper, not a test file).
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph/graph.ts';
import { linear, softmaxCrossEntropy } from '../../../main/engine/graph/nn.ts';
import { type TrainStepOptions, buildTrainStep } from '../../../main/engine/optim/train-step.ts';
import { rand } from './gradcheck.ts';

export const IN = 4;
export const HIDDEN = 8;
export const CLASSES = 3;

/** Builds embed-free MLP: linear -> GELU -> LayerNorm -> linear -> softmax cross-entropy. */
export function tinyMlp(opts: { frozenBase?: boolean; step?: Partial<TrainStepOptions> } = {}) {
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', IN]);
  const labels = g.input('labels', 'int64', ['batch']);
  const frozen = { trainable: !opts.frozenBase };
  const h = g.scope('base', () => {
    const w = g.param('fc.weight', Float32Array.from(rand(IN * HIDDEN, 11), (v) => v * 0.5), [IN, HIDDEN], frozen);
    const b = g.param('fc.bias', Float32Array.from(rand(HIDDEN, 12), (v) => v * 0.1), [HIDDEN], { ...frozen, decay: false });
    const a = g.Gelu(linear(g, x, w, b));
    const s = g.param('ln.weight', new Float32Array(HIDDEN).fill(1), [HIDDEN], { ...frozen, decay: false });
    const c = g.param('ln.bias', new Float32Array(HIDDEN), [HIDDEN], { ...frozen, decay: false });
    return g.LayerNormalization(a, s, c);
  });
  const logits = g.scope('head', () => {
    const w = g.param('weight', Float32Array.from(rand(HIDDEN * CLASSES, 13), (v) => v * 0.5), [HIDDEN, CLASSES]);
    const b = g.param('bias', new Float32Array(CLASSES), [CLASSES], { decay: false });
    return linear(g, h, w, b);
  });
  const loss = softmaxCrossEntropy(g, logits, labels);
  const step = buildTrainStep(g, { loss, outputs: { logits }, adamw: { weightDecay: 0.1 }, ...opts.step });
  return { g, step };
}

/** A deterministic batch of `n` rows starting at row `from`. */
export function batch(n: number, from = 0): Record<string, ort.Tensor> {
  const all = rand(64 * IN, 21);
  const x = Float32Array.from(all.slice(from * IN, (from + n) * IN));
  const labels = BigInt64Array.from({ length: n }, (_, i) => BigInt((from + i) % CLASSES));
  return { x: new ort.Tensor('float32', x, [n, IN]), labels: new ort.Tensor('int64', labels, [n]) };
}
