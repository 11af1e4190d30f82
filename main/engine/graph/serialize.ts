import { type AnyTypedArray, type DType, ONNX_DTYPE_CODE } from './dtype.ts';
import type { Graph } from './graph.ts';
import { FLOAT_ATTRS, MS_DOMAIN, MS_DOMAIN_OPS, type AttrValue } from './ops.ts';
import { onnxTypes } from './onnx-schema.ts';
import type { Shape } from './shape.ts';
import type { Value } from './value.ts';

/** Opset and IR version written into every model: opset 21 needs IR 10, which onnxruntime 1.30 reads. */
export const OPSET = 21;
export const IR_VERSION = 10;

/** Ops the WebGPU provider lacks; the builder never emits them, and serialisation double-checks. */
const WEBGPU_MISSING = new Set(['Dropout', 'SoftmaxCrossEntropyLoss', 'ConstantOfShape', 'Loop']);

export interface SerializeOptions {
  /** Extra key/value metadata stored in the model (e.g. label map). */
  metadata?: Record<string, string>;
  docString?: string;
  /**
   * Writes initializers of at least `minBytes` (default 1 MiB) as external data: the model refers to
   * them by `location` (a file name next to the .onnx), offset and length, and `external` lists the
   * byte ranges the caller writes into that file (`writeModelWithExternalData` in ../runtime does).
   */
  externalData?: { location: string; minBytes?: number };
}

/** One initializer stored outside the model: its bytes go at `offset` of the external-data file. */
export interface ExternalTensor {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Offsets in the external-data file are multiples of this, so onnxruntime can map each tensor
 * straight from the file (its mapping needs page-aligned offsets).
 */
export const EXTERNAL_ALIGN = 64 * 1024;

function bytesOf(data: AnyTypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensorProto(name: string, dtype: DType, dims: readonly number[], data: AnyTypedArray): object {
  return { name, dataType: ONNX_DTYPE_CODE[dtype], dims: [...dims], rawData: bytesOf(data) };
}

function externalTensorProto(name: string, dtype: DType, dims: readonly number[], location: string, t: ExternalTensor): object {
  const entry = (key: string, value: string | number) => ({ key, value: String(value) });
  return {
    name, dataType: ONNX_DTYPE_CODE[dtype], dims: [...dims], dataLocation: 1,
    externalData: [entry('location', location), entry('offset', t.offset), entry('length', t.bytes.byteLength)],
  };
}

function valueInfo(v: Value): object {
  const shape: Shape | null = v.shape;
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE_CODE[v.dtype],
        ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}),
      },
    },
  };
}

function attribute(name: string, v: AttrValue): object {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return FLOAT_ATTRS.has(name) ? { name, type: 6, floats: v } : { name, type: 7, ints: v };
  return FLOAT_ATTRS.has(name) ? { name, type: 1, f: v } : { name, type: 2, i: v };
}

/** Serialises a built graph into ONNX ModelProto bytes that onnxruntime's InferenceSession.create accepts. */
export function toOnnx(g: Graph, options: SerializeOptions = {}): Uint8Array {
  return serialize(g, options).model;
}

/**
 * Serialises a graph with its large initializers as external data (`options.externalData`): the
 * model bytes, and the tensors' bytes with their offsets in the external-data file (views of the
 * graph's own arrays, not copies).
 */
export function toOnnxExternal(g: Graph, options: SerializeOptions & { externalData: { location: string; minBytes?: number } }): { model: Uint8Array; external: ExternalTensor[]; externalBytes: number } {
  return serialize(g, options);
}

function serialize(g: Graph, options: SerializeOptions): { model: Uint8Array; external: ExternalTensor[]; externalBytes: number } {
  const ext = options.externalData;
  if (ext && (ext.location.includes('/') || ext.location.includes('\\') || ext.location.startsWith('.'))) {
    throw new Error(`external-data location ${ext.location} must be a plain file name next to the model`);
  }
  const external: ExternalTensor[] = [];
  let externalBytes = 0;
  const initializer = (name: string, dtype: DType, dims: readonly number[], data: AnyTypedArray): object => {
    if (!ext || data.byteLength < (ext.minBytes ?? 1024 * 1024)) return tensorProto(name, dtype, dims, data);
    const offset = Math.ceil(externalBytes / EXTERNAL_ALIGN) * EXTERNAL_ALIGN;
    const t = { offset, bytes: bytesOf(data) };
    external.push(t);
    externalBytes = offset + data.byteLength;
    return externalTensorProto(name, dtype, dims, ext.location, t);
  };
  if (g.outputs.length === 0) throw new Error(`graph ${g.name} has no outputs; mark them with g.output(value, name)`);
  if (g.target === 'webgpu') {
    const bad = g.nodes.find((n) => WEBGPU_MISSING.has(n.op));
    if (bad) throw new Error(`node ${bad.name} uses ${bad.op}, which the WebGPU provider lacks`);
  }
  const read = new Set<Value>(g.outputs);
  for (const n of g.nodes) for (const i of n.inputs) if (i) read.add(i);
  const graph = {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      opType: n.op,
      ...(MS_DOMAIN_OPS.has(n.op) ? { domain: MS_DOMAIN } : {}),
      input: n.inputs.map((i) => (i ? i.name : '')),
      output: n.outputs.map((o) => o.name),
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
    })),
    // Only what some node or output reads (a graph transform may leave a replaced tensor unread).
    initializer: g.initializers.filter((i) => read.has(i.value)).map((i) => initializer(i.value.name, i.value.dtype, i.dims, i.data)),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
  };
  const model = {
    irVersion: IR_VERSION,
    producerName: 'langlab',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: OPSET }, ...(g.nodes.some((n) => MS_DOMAIN_OPS.has(n.op)) ? [{ domain: MS_DOMAIN, version: 1 }] : [])],
    graph,
    docString: options.docString ?? '',
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const { model: type } = onnxTypes();
  return { model: type.encode(type.fromObject(model)).finish(), external, externalBytes };
}
