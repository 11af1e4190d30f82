// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header, then
// raw little-endian tensor bytes). Tensor data is exposed as typed arrays viewing the file buffer,
// never decoded through a JS string, so a 300 MB checkpoint costs one read and no per-value work.
import fs from 'node:fs';

/** The dtypes a safetensors header may name that this engine can hold as typed arrays. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** The typed array each dtype is exposed as (F16/BF16 stay as raw 16-bit words; see toFloat32). */
export type TensorData = Float64Array | Float32Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** One tensor read from (or to be written to) a safetensors file. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

/** A parsed file: tensors by name, in header order, plus the optional string metadata. */
export interface SafetensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

/** Thrown for any malformed file; the message names the file and what was wrong with it. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  /** The engine cannot import main/errors.ts; this code is the one toErrorPayload passes on. */
  readonly code = 'INVALID_ARGUMENT';
}

function isDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(BYTES, s);
}

function view(dtype: SafetensorsDtype, buf: ArrayBuffer, byteOffset: number, count: number): TensorData {
  switch (dtype) {
    case 'F64': return new Float64Array(buf, byteOffset, count);
    case 'F32': return new Float32Array(buf, byteOffset, count);
    case 'F16': case 'BF16': return new Uint16Array(buf, byteOffset, count);
    case 'I64': return new BigInt64Array(buf, byteOffset, count);
    case 'I32': return new Int32Array(buf, byteOffset, count);
    case 'I16': return new Int16Array(buf, byteOffset, count);
    case 'I8': return new Int8Array(buf, byteOffset, count);
    case 'U8': case 'BOOL': return new Uint8Array(buf, byteOffset, count);
  }
}

/** Parses safetensors bytes; `file` is only used to name the source in error messages. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const fail = (what: string): never => {
    throw new SafetensorsError(`${file}: ${what} (is it a complete .safetensors file?)`);
  };
  if (bytes.byteLength < 8) fail(`file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = dv.getBigUint64(0, true);
  if (headerLen > BigInt(bytes.byteLength - 8)) {
    fail(`header length ${headerLen} is larger than the ${bytes.byteLength - 8} bytes after it (bad header or truncated file)`);
  }
  const hLen = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hLen)));
  } catch (e) {
    fail(`bad header: not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('bad header: not a JSON object');
  const dataStart = 8 + hLen;
  const dataLen = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof e !== 'object' || e === null) fail(`bad header: entry "${name}" is not an object`);
    if (!isDtype(e!.dtype)) fail(`tensor "${name}" has unknown dtype ${JSON.stringify(e!.dtype)} (known: ${Object.keys(BYTES).join(', ')})`);
    const dtype = e!.dtype as SafetensorsDtype;
    const shape = e!.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`bad header: tensor "${name}" has shape ${JSON.stringify(shape)}`);
    }
    const offs = e!.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(`bad header: tensor "${name}" has data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== count * BYTES[dtype]) {
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] do not hold ${count} ${dtype} values of shape [${(shape as number[]).join(', ')}]`);
    }
    if (end > dataLen) {
      fail(`tensor "${name}": data_offsets end ${end} is beyond the ${dataLen} data bytes present (truncated data or offsets out of range)`);
    }
    const abs = bytes.byteOffset + dataStart + begin;
    let data: TensorData;
    if (abs % BYTES[dtype] === 0) {
      data = view(dtype, bytes.buffer as ArrayBuffer, abs, count);
    } else {
      // A typed array must be aligned to its element size; an unaligned tensor is copied once.
      const copy = new Uint8Array(count * BYTES[dtype]);
      copy.set(bytes.subarray(dataStart + begin, dataStart + end));
      data = view(dtype, copy.buffer, 0, count);
    }
    tensors.set(name, { dtype, shape: [...(shape as number[])], data });
  }
  return { tensors, metadata };
}

/** Reads a safetensors file from disk. */
export function readSafetensors(file: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new SafetensorsError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** Serialises tensors (in the given order) with 8-byte aligned header and data. */
export function serializeSafetensors(tensors: Map<string, SafeTensor> | Record<string, SafeTensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const placed: { data: TensorData; at: number }[] = [];
  for (const [name, t] of entries) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new SafetensorsError(`tensor "${name}": ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const size = count * BYTES[t.dtype];
    if (t.data.byteLength !== size) throw new SafetensorsError(`tensor "${name}": data type does not match dtype ${t.dtype}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    placed.push({ data: t.data, at: offset });
    offset += size;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const hBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(hBytes.length), true);
  out.set(hBytes, 8);
  const base = 8 + hBytes.length;
  for (const p of placed) out.set(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength), base + p.at);
  return out;
}

/** Writes tensors to a safetensors file. */
export function writeSafetensors(file: string, tensors: Map<string, SafeTensor> | Record<string, SafeTensor>, metadata?: Record<string, string>): void {
  fs.writeFileSync(file, serializeSafetensors(tensors, metadata));
}

/** Converts any float tensor to float32 values (the engine trains in float32). */
export function toFloat32(t: SafeTensor, name = 'tensor'): Float32Array {
  const d = t.data;
  switch (t.dtype) {
    case 'F32': return d as Float32Array;
    case 'F64': return Float32Array.from(d as Float64Array);
    case 'BF16': {
      const u = d as Uint16Array;
      const bits = new Uint32Array(u.length);
      for (let i = 0; i < u.length; i++) bits[i] = u[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'F16': {
      const u = d as Uint16Array;
      const out = new Float32Array(u.length);
      for (let i = 0; i < u.length; i++) out[i] = halfToFloat(u[i]);
      return out;
    }
    default:
      throw new SafetensorsError(`${name}: dtype ${t.dtype} is not a floating-point type`);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
