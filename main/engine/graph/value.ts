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
}
