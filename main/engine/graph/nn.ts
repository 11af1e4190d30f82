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

/** Mean softmax cross-entropy of logits [N, C] against int64 labels [N]; returns a scalar. */
export function softmaxCrossEntropy(g: Graph, logits: Value, labels: Value): Value {
  return g.scope('loss', () => {
    const c = logits.knownShape[logits.knownShape.length - 1];
    if (typeof c !== 'number') throw new Error(`softmaxCrossEntropy: class dimension of ${logits.name} must be static`);
    const logp = g.LogSoftmax(logits, { axis: -1 });
    const picked = g.ReduceSum(g.Mul(logp, oneHot(g, labels, c)), { axes: [-1], keepdims: 0 });
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
