/**
 * The closed set of ONNX ops the engine emits. Autodiff's rule table is a mapped type over this union,
 * so adding an op here without a gradient rule is a compile error.
 */
export const OP_TYPES = [
  'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Pow', 'Sqrt', 'Exp', 'Log', 'Tanh', 'Erf', 'Relu', 'Sigmoid', 'Gelu',
  'Abs', 'Max', 'Min', 'MatMul', 'Gemm', 'Softmax', 'LogSoftmax', 'LayerNormalization', 'Gather',
  'GatherND', 'ScatterND', 'Reshape', 'Transpose', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'Concat', 'Slice', 'Pad',
  'Cast', 'Equal', 'Less', 'Greater', 'Not', 'And', 'Where', 'Expand', 'Unsqueeze', 'Squeeze', 'Shape',
  'Identity', 'CumSum', 'DynamicQuantizeLinear', 'MatMulInteger', 'MultiHeadAttention',
] as const;

export type OpType = (typeof OP_TYPES)[number];

/** Ops of onnxruntime's own domain (contrib ops; inference graphs only). Every other op is ONNX's. */
export const MS_DOMAIN_OPS: ReadonlySet<OpType> = new Set<OpType>(['MultiHeadAttention']);
export const MS_DOMAIN = 'com.microsoft';

/** Attribute values as ONNX stores them; which numbers are floats is decided by FLOAT_ATTRS. */
export type AttrValue = number | string | readonly number[];
export type Attrs = Readonly<Record<string, AttrValue>>;

/** Attribute names that ONNX types as float (every other numeric attribute is an int). */
export const FLOAT_ATTRS: ReadonlySet<string> = new Set(['epsilon', 'alpha', 'beta']);
