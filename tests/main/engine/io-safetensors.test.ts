import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSafetensors, readSafetensors, serializeSafetensors, toFloat32, writeSafetensors } from '../../../main/engine/io/safetensors.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-st-'));

function rawFile(header: unknown, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

test('round-trips tensors of several dtypes and keeps metadata', () => {
  const file = path.join(tmp(), 'm.safetensors');
  const a = new Float32Array([1.5, -2, 3.25, 4, 5, 6]);
  const b = new BigInt64Array([7n, -8n]);
  const c = new Uint8Array([1, 0, 1]);
  writeSafetensors(file, {
    a: { dtype: 'F32', shape: [2, 3], data: a },
    b: { dtype: 'I64', shape: [2], data: b },
    c: { dtype: 'U8', shape: [3], data: c },
  }, { format: 'pt' });
  const r = readSafetensors(file);
  assert.deepEqual([...r.tensors.keys()], ['a', 'b', 'c']);
  assert.deepEqual(r.tensors.get('a')!.shape, [2, 3]);
  assert.deepEqual([...(r.tensors.get('a')!.data as Float32Array)], [...a]);
  assert.deepEqual([...(r.tensors.get('b')!.data as BigInt64Array)], [7n, -8n]);
  assert.deepEqual([...(r.tensors.get('c')!.data as Uint8Array)], [1, 0, 1]);
  assert.equal(r.metadata.format, 'pt');
});

test('tensors are views over the file bytes, not copies', () => {
  const bytes = serializeSafetensors({ w: { dtype: 'F32', shape: [4], data: new Float32Array([1, 2, 3, 4]) } });
  const r = parseSafetensors(bytes, 'mem');
  assert.equal(r.tensors.get('w')!.data.buffer, bytes.buffer);
});

test('converts F16, BF16 and F64 to float32', () => {
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555]); // 1, -2, ~0.3333
  const bf16 = new Uint16Array([0x3f80, 0x4040]); // 1, 3
  assert.deepEqual([...toFloat32({ dtype: 'F16', shape: [3], data: f16 })].map((x) => +x.toFixed(4)), [1, -2, 0.3333]);
  assert.deepEqual([...toFloat32({ dtype: 'BF16', shape: [2], data: bf16 })], [1, 3]);
  assert.deepEqual([...toFloat32({ dtype: 'F64', shape: [1], data: new Float64Array([0.5]) })], [0.5]);
});

test('an unaligned tensor is still read correctly', () => {
  const data = new Uint8Array(9);
  new DataView(data.buffer).setFloat32(1, 2.5, true);
  const bytes = rawFile({ x: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, y: { dtype: 'F32', shape: [1], data_offsets: [1, 5] } }, data);
  // The header length above is not padded, so y's absolute offset is unaligned in most cases.
  const r = parseSafetensors(bytes, 'mem');
  assert.equal((r.tensors.get('y')!.data as Float32Array)[0], 2.5);
});

test('bad input gives errors that name the file and the problem', () => {
  const dir = tmp();
  const f = path.join(dir, 'bad.safetensors');
  fs.writeFileSync(f, new Uint8Array([1, 2, 3]));
  assert.throws(() => readSafetensors(f), /bad\.safetensors: file is 3 bytes/);

  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 1000n, true);
  fs.writeFileSync(f, huge);
  assert.throws(() => readSafetensors(f), /bad\.safetensors: header length 1000 is larger/);

  fs.writeFileSync(f, rawFile('x', new Uint8Array(0)).map((b, i) => (i === 9 ? 0x7b : b)));
  assert.throws(() => readSafetensors(f), /bad\.safetensors: bad header/);

  fs.writeFileSync(f, rawFile({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)));
  assert.throws(() => readSafetensors(f), /bad\.safetensors: tensor "w" has unknown dtype "Q4"/);

  fs.writeFileSync(f, rawFile({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)));
  assert.throws(() => readSafetensors(f), /bad\.safetensors: tensor "w": data_offsets end 16 is beyond the 8 data bytes/);

  fs.writeFileSync(f, rawFile({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 12] } }, new Uint8Array(16)));
  assert.throws(() => readSafetensors(f), /do not hold 4 F32 values/);

  assert.throws(() => readSafetensors(path.join(dir, 'none.safetensors')), /none\.safetensors: cannot read \(ENOENT\)/);
});
