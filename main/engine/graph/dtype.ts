/** Element types the engine builds graphs with; the names match onnxruntime-node's tensor types. */
export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';

/** Float types are the only ones gradients flow through. */
export type FloatDType = 'float32' | 'float64' | 'float16';

/** ONNX TensorProto.DataType codes, needed for serialisation and Cast's `to` attribute. */
export const ONNX_DTYPE_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/** Any typed array the engine moves in and out of graphs. */
export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint16Array | Uint8Array;

export function isFloat(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64' || d === 'float16';
}

/** The dtype a typed array holds; bool and float16 data must be tagged explicitly by the caller. */
export function dtypeOfArray(a: AnyTypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint16Array) return 'float16';
  return 'uint8';
}

/** Builds a typed array of `dtype` from plain numbers (constants written by hand in models). */
export function arrayOf(dtype: DType, values: readonly number[]): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values.map((v) => BigInt(Math.trunc(v))));
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
    case 'uint8':
      return Uint8Array.from(values.map((v) => (v ? 1 : 0)));
    case 'float16':
      throw new Error('float16 constants from numbers are not supported; pass a Uint16Array of half-precision bits');
  }
}
