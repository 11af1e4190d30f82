import type { Graph } from './graph.ts';
import type { Value } from './value.ts';

/**
 * Small composites every model needs, written only with ops that have gradient rules and that every
 * execution provider runs (no SoftmaxCrossEntropyLoss, Dropout or ConstantOfShape, so WebGPU works too).
 */

/** x @ W + b with W stored [in, out] (so no transpose is needed at run time). */
export function linear(g: Graph, x: Value, weight: Value, bias: Value | null): Value {
  const y = g.MatMul(x, weight);
  return bias ? g.Add(y, bias) : y;
}

/** Float one-hot of int64 labels [N] -> [N, numClasses], composed from Equal + Cast. */
export function oneHot(g: Graph, labels: Value, numClasses: number): Value {
  const classes = g.constant([...Array(numClasses).keys()], 'int64', [numClasses]);
  const eq = g.Equal(g.Unsqueeze(labels, { axes: [-1] }), classes);
  return g.Cast(eq, { to: g.dtype });
}

/**
 * Mean softmax cross-entropy of logits [N, C] against int64 labels [N]; returns a scalar. With
 * `smoothing` e > 0 the target is (1 - e) on the label plus e / C on every class (label smoothing,
 * as PyTorch's `CrossEntropyLoss(label_smoothing=e)`): the loss is (1 - e) times the label's negative
 * log-probability plus e times the mean negative log-probability over the classes.
 */
export function softmaxCrossEntropy(g: Graph, logits: Value, labels: Value, { smoothing = 0 }: { smoothing?: number } = {}): Value {
  return g.scope('loss', () => {
    const c = logits.knownShape[logits.knownShape.length - 1];
    if (typeof c !== 'number') throw new Error(`softmaxCrossEntropy: class dimension of ${logits.name} must be static`);
    if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`softmaxCrossEntropy: smoothing must be in [0, 1), got ${smoothing}`);
    const logp = g.LogSoftmax(logits, { axis: -1 });
    let picked = g.ReduceSum(g.Mul(logp, oneHot(g, labels, c)), { axes: [-1], keepdims: 0 });
    if (smoothing > 0) {
      const spread = g.ReduceMean(logp, { axes: [-1], keepdims: 0 });
      picked = g.Add(g.Mul(picked, g.constant(1 - smoothing)), g.Mul(spread, g.constant(smoothing)));
    }
    return g.Neg(g.ReduceMean(picked, { axes: [0], keepdims: 0 }));
  });
}

/**
 * Dropout as a multiplication by a mask fed as a graph input (values 0 or 1/(1-p), from the seeded
 * generator in optim/dropout-mask.ts); evaluation feeds a mask of ones or builds without dropout.
 */
export function dropout(g: Graph, x: Value, mask: Value | null): Value {
  return mask ? g.Mul(x, mask) : x;
}

/** GELU that works in any float dtype: exact erf form in float32, tanh form where Erf is unavailable. */
export function gelu(g: Graph, x: Value): Value {
  return g.Gelu(x, { approximate: 'none' });
}
