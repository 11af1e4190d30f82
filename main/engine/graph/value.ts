import type { DType } from './dtype.ts';
import type { Attrs, OpType } from './ops.ts';
import type { Shape } from './shape.ts';

/**
 * A typed handle to a tensor in a graph. Builder calls take and return these instead of name strings,
 * so a wrong dtype or rank is caught while building, not when onnxruntime loads the model.
 */
export class Value {
  constructor(
    /** Unique tensor name in the ONNX graph (scoped, e.g. `layer3.attn.MatMul_out`). */
    readonly name: string,
    readonly dtype: DType,
    /** Static shape with symbolic dims, or null when it cannot be known while building. */
    readonly shape: Shape | null,
    /** The node that computes this value; null for graph inputs, initializers and constants. */
    readonly producer: Node | null,
    /** Which output of the producer this is. */
    readonly outputIndex: number = 0,
  ) {}

  get rank(): number {
    if (this.shape === null) throw new Error(`rank of ${this.name} is unknown (its shape could not be inferred)`);
    return this.shape.length;
  }

  /** The static shape; throws with the tensor's name when it is not known. */
  get knownShape(): Shape {
    if (this.shape === null) throw new Error(`shape of ${this.name} is unknown (its shape could not be inferred)`);
    return this.shape;
  }
}

/** One ONNX node. Optional inputs that are skipped are null (serialised as empty names). */
export interface Node {
  readonly op: OpType;
  readonly name: string;
  readonly inputs: readonly (Value | null)[];
  readonly outputs: Value[];
  readonly attrs: Attrs;
  /** What the builder knows that lets autodiff emit a cheaper backward; never serialised. */
  gradHint?: GradHint;
}

/** Whether `target` is `v` or one of the values `v` is computed from. */
export function dependsOn(v: Value, target: Value): boolean {
  const seen = new Set<Value>();
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === target) return true;
    if (seen.has(x) || !x.producer) continue;
    seen.add(x);
    for (const i of x.producer.inputs) if (i) stack.push(i);
  }
  return false;
}

/** Builder knowledge the autodiff may use (see Graph.hintSoftmaxFeedsMatMul). */
export interface GradHint {
  /**
   * The output of `MatMul(y ⊙ m, v)` where y is this Softmax's output, m any element-wise factors
   * (dropout masks, scales), and nothing else reads y. Then the softmax backward's row sums
   * Σ_j dy·y over the sequence equal Σ_k d(out)·out over v's width (FlashAttention's identity).
   */
  softmaxFeedsMatMul: Value;
}
