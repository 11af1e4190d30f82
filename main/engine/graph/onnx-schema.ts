import protobuf from 'protobufjs';

/**
 * The subset of the ONNX protobuf schema the engine writes, declared with protobufjs' reflection API
 * (field numbers from the ONNX IR specification). Only what a ModelProto with tensors needs.
 */
function build(): protobuf.Root {
  const { Root, Type, Field, Enum, OneOf } = protobuf;
  const root = new Root();
  const ns = root.define('onnx');

  ns.add(new Enum('AttributeType', {
    UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10,
  }));

  ns.add(new Type('TensorProto')
    .add(new Field('dims', 1, 'int64', 'repeated'))
    .add(new Field('dataType', 2, 'int32'))
    .add(new Field('floatData', 4, 'float', 'repeated'))
    .add(new Field('int32Data', 5, 'int32', 'repeated'))
    .add(new Field('int64Data', 7, 'int64', 'repeated'))
    .add(new Field('name', 8, 'string'))
    .add(new Field('rawData', 9, 'bytes'))
    .add(new Field('doubleData', 10, 'double', 'repeated'))
    .add(new Field('docString', 12, 'string'))
    // External data: `location`/`offset`/`length` entries, with dataLocation 1 (EXTERNAL).
    .add(new Field('externalData', 13, 'StringStringEntryProto', 'repeated'))
    .add(new Field('dataLocation', 14, 'int32')));

  ns.add(new Type('AttributeProto')
    .add(new Field('name', 1, 'string'))
    .add(new Field('f', 2, 'float'))
    .add(new Field('i', 3, 'int64'))
    .add(new Field('s', 4, 'bytes'))
    .add(new Field('t', 5, 'TensorProto'))
    .add(new Field('g', 6, 'GraphProto'))
    .add(new Field('floats', 7, 'float', 'repeated'))
    .add(new Field('ints', 8, 'int64', 'repeated'))
    .add(new Field('strings', 9, 'bytes', 'repeated'))
    .add(new Field('docString', 13, 'string'))
    .add(new Field('type', 20, 'AttributeType')));

  const dimension = new Type('Dimension')
    .add(new Field('dimValue', 1, 'int64'))
    .add(new Field('dimParam', 2, 'string'))
    .add(new OneOf('value', ['dimValue', 'dimParam']));
  ns.add(new Type('TensorShapeProto').add(dimension).add(new Field('dim', 1, 'Dimension', 'repeated')));

  const tensorType = new Type('Tensor')
    .add(new Field('elemType', 1, 'int32'))
    .add(new Field('shape', 2, 'TensorShapeProto'));
  ns.add(new Type('TypeProto').add(tensorType).add(new Field('tensorType', 1, 'Tensor')).add(new OneOf('value', ['tensorType'])));

  ns.add(new Type('ValueInfoProto')
    .add(new Field('name', 1, 'string'))
    .add(new Field('type', 2, 'TypeProto'))
    .add(new Field('docString', 3, 'string')));

  ns.add(new Type('NodeProto')
    .add(new Field('input', 1, 'string', 'repeated'))
    .add(new Field('output', 2, 'string', 'repeated'))
    .add(new Field('name', 3, 'string'))
    .add(new Field('opType', 4, 'string'))
    .add(new Field('attribute', 5, 'AttributeProto', 'repeated'))
    .add(new Field('docString', 6, 'string'))
    .add(new Field('domain', 7, 'string')));

  ns.add(new Type('GraphProto')
    .add(new Field('node', 1, 'NodeProto', 'repeated'))
    .add(new Field('name', 2, 'string'))
    .add(new Field('initializer', 5, 'TensorProto', 'repeated'))
    .add(new Field('docString', 10, 'string'))
    .add(new Field('input', 11, 'ValueInfoProto', 'repeated'))
    .add(new Field('output', 12, 'ValueInfoProto', 'repeated'))
    .add(new Field('valueInfo', 13, 'ValueInfoProto', 'repeated')));

  ns.add(new Type('OperatorSetIdProto')
    .add(new Field('domain', 1, 'string'))
    .add(new Field('version', 2, 'int64')));

  ns.add(new Type('StringStringEntryProto')
    .add(new Field('key', 1, 'string'))
    .add(new Field('value', 2, 'string')));

  ns.add(new Type('ModelProto')
    .add(new Field('irVersion', 1, 'int64'))
    .add(new Field('producerName', 2, 'string'))
    .add(new Field('producerVersion', 3, 'string'))
    .add(new Field('domain', 4, 'string'))
    .add(new Field('modelVersion', 5, 'int64'))
    .add(new Field('docString', 6, 'string'))
    .add(new Field('graph', 7, 'GraphProto'))
    .add(new Field('opsetImport', 8, 'OperatorSetIdProto', 'repeated'))
    .add(new Field('metadataProps', 14, 'StringStringEntryProto', 'repeated')));

  root.resolveAll();
  return root;
}

let cached: protobuf.Root | null = null;

/** The ONNX message types, built once. */
export function onnxTypes(): { model: protobuf.Type; tensor: protobuf.Type } {
  cached ??= build();
  return { model: cached.lookupType('onnx.ModelProto'), tensor: cached.lookupType('onnx.TensorProto') };
}
