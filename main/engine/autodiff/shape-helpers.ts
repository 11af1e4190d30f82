import type { Graph } from '../graph/graph.ts';
import type { Shape } from '../graph/shape.ts';
import type { Value } from '../graph/value.ts';

/** The shape of `x` as an int64 tensor: a constant when static, else a Shape node. */
export function shapeTensor(g: Graph, x: Value): Value {
  const s = x.knownShape;
  if (s.every((d) => typeof d === 'number')) return g.ints(s as number[]);
  return g.Shape(x);
}

/**
 * Sums a gradient of broadcast shape `grad.shape` back to `target`'s shape: the reverse of
 * multidirectional broadcasting (leading axes summed away, size-1 axes summed with keepdims).
 */
export function sumToShape(g: Graph, grad: Value, target: Value): Value {
  const to: Shape = target.knownShape;
  const from: Shape = grad.knownShape;
  const lead = from.length - to.length;
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  to.forEach((d, i) => {
    if (d === 1 && from[lead + i] !== 1) axes.push(lead + i);
  });
  if (axes.length === 0) return grad;
  let r = g.ReduceSum(grad, { axes, keepdims: 1 });
  if (lead > 0) r = g.Squeeze(r, { axes: axes.slice(0, lead) });
  return r;
}

/** A zero tensor shaped like `x` (Expand of a scalar, so no ConstantOfShape is needed). */
export function zerosLike(g: Graph, x: Value): Value {
  return g.Expand(g.constant(0, x.dtype, []), shapeTensor(g, x), x.knownShape);
}
