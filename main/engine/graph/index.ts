/** Public surface of the graph builder. */
export { Graph, type GraphOptions, type Param, type Initializer, type Operand, type Target } from './graph.ts';
export { Value, type Node } from './value.ts';
export type { DType, FloatDType, AnyTypedArray } from './dtype.ts';
export type { Dim, Shape } from './shape.ts';
export { OP_TYPES, type OpType } from './ops.ts';
export { toOnnx, OPSET, IR_VERSION, type SerializeOptions } from './serialize.ts';
export { linear, oneHot, softmaxCrossEntropy, dropout, gelu } from './nn.ts';
