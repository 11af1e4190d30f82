import { isFloat } from '../graph/dtype.ts';
import type { Graph } from '../graph/graph.ts';
import type { Node, Value } from '../graph/value.ts';
import { GRAD_RULES } from './rules.ts';

/**
 * Reverse-mode autodiff: appends to `g` the nodes computing d(loss)/d(x) for every x in `wrt` and
 * returns them by handle. Only nodes that lie between a `wrt` tensor and the loss get a backward part,
 * so frozen parameters (initializers) and everything only they feed cost nothing.
 */
export function gradients(g: Graph, loss: Value, wrt: readonly Value[]): Map<Value, Value> {
  if (!isFloat(loss.dtype)) throw new Error(`gradients: loss ${loss.name} must be a float tensor`);
  // Forward: which values depend on a wrt tensor.
  const active = new Set<Value>(wrt);
  const nodes = [...g.nodes];
  for (const n of nodes) {
    if (n.inputs.some((i) => i !== null && active.has(i))) for (const o of n.outputs) if (isFloat(o.dtype)) active.add(o);
  }
  // Backward: which nodes lead to the loss.
  const reaches = new Set<Value>([loss]);
  const onPath = new Set<Node>();
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    if (!n.outputs.some((o) => reaches.has(o))) continue;
    onPath.add(n);
    for (const i of n.inputs) if (i) reaches.add(i);
  }

  // Readers of each value among the nodes on the loss path (for gradient hints).
  const readerCount = new Map<Value, number>();
  for (const n of onPath) for (const i of n.inputs) if (i) readerCount.set(i, (readerCount.get(i) ?? 0) + 1);
  const readers = (v: Value) => readerCount.get(v) ?? 0;

  const grads = new Map<Value, Value>();
  const accumulate = (v: Value, d: Value) => {
    const prev = grads.get(v);
    grads.set(v, prev ? g.Add(prev, d) : d);
  };
  g.scope('grad', () => accumulate(loss, g.constant(1, loss.dtype, loss.shape ? loss.shape.map(() => 1) : [])));

  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    if (!onPath.has(node)) continue;
    const dy = node.outputs.map((o) => grads.get(o) ?? null);
    if (dy.every((d) => d === null)) continue;
    const needs = node.inputs.map((i) => i !== null && active.has(i) && isFloat(i.dtype));
    if (!needs.some(Boolean)) continue;
    const rule = GRAD_RULES[node.op];
    // Values computed after this node have all their readers processed: their gradients are complete.
    const gradOf = (v: Value) => grads.get(v) ?? null;
    const dx = g.scope('grad', () => g.scope(node.name, () => rule({ g, node, dy, needs, gradOf, readers })));
    node.inputs.forEach((input, i) => {
      const d = dx[i];
      if (input && needs[i] && d) accumulate(input, d);
    });
  }

  const out = new Map<Value, Value>();
  for (const w of wrt) {
    const d = grads.get(w);
    // A parameter the loss does not depend on gets an explicit zero gradient.
    out.set(w, d ?? g.Mul(w, 0));
  }
  return out;
}
