/** Element types the engine builds graphs with; the names match onnxruntime-node's tensor types. */
export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8' | 'int8';

/** Float types are the only ones gradients flow through. */
export type FloatDType = 'float32' | 'float64' | 'float16';

/** ONNX TensorProto.DataType codes, needed for serialisation and Cast's `to` attribute. */
export const ONNX_DTYPE_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/** Any typed array the engine moves in and out of graphs. */
export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint16Array | Uint8Array | Int8Array;

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
  if (a instanceof Int8Array) return 'int8';
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
    case 'int8':
      return Int8Array.from(values);
    case 'bool':
    case 'uint8':
      return Uint8Array.from(values.map((v) => (v ? 1 : 0)));
    case 'float16':
      return toHalf(values);
  }
}

/** Largest finite half-precision value; larger finite numbers are clamped to it (not turned into infinity). */
export const HALF_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of one number, rounded to nearest even; finite overflow clamps to ±65504. */
export function halfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const clamped = Number.isFinite(x) ? Math.max(-HALF_MAX, Math.min(HALF_MAX, x)) : x;
  f32[0] = clamped;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00; // infinity
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7bff;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit bit, rounding to nearest even.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1)) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to 0x7c00 only from 65520 and above, clamped earlier).
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half);
}

/** Half-precision bits of many numbers (see `halfBits`). */
export function toHalf(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i]);
  return out;
}

/** The number a half-precision bit pattern holds. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
