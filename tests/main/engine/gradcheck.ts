// Finite-difference gradient checking for autodiff tests (a helper, not a test file).
import * as ort from 'onnxruntime-node';
import { gradients } from '../../../main/engine/autodiff/index.ts';
import type { FloatDType } from '../../../main/engine/graph/dtype.ts';
import { Graph } from '../../../main/engine/graph/graph.ts';
import type { Shape } from '../../../main/engine/graph/shape.ts';
import { toOnnx } from '../../../main/engine/graph/serialize.ts';
import type { Value } from '../../../main/engine/graph/value.ts';

export interface CheckInput {
  data: number[];
  shape: number[];
  /** Declared shape in the graph (symbolic dims allowed); defaults to `shape`. */
  declared?: Shape;
  /** Integer inputs (indices) are fed as int64 and not differentiated. */
  int?: boolean;
}

export type Build = (g: Graph, xs: Value[]) => Value;

/** Deterministic pseudo-random numbers in [-1, 1) for test data. */
export function rand(n: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function tensor(dtype: FloatDType, inp: CheckInput, data: number[] = inp.data): ort.Tensor {
  if (inp.int) return new ort.Tensor('int64', BigInt64Array.from(data.map((v) => BigInt(v))), inp.shape);
  return dtype === 'float64' ? new ort.Tensor('float64', Float64Array.from(data), inp.shape) : new ort.Tensor('float32', Float32Array.from(data), inp.shape);
}

/** Builds `sum(build(xs) * R)` for a fixed random R, so every output element's gradient is exercised. */
async function session(dtype: FloatDType, build: Build, inputs: CheckInput[], withGrads: boolean) {
  const g = new Graph({ dtype });
  const xs = inputs.map((inp, i) => g.input(`x${i}`, inp.int ? 'int64' : dtype, inp.declared ?? inp.shape));
  const y = build(g, xs);
  const shape = y.knownShape.map((d) => (typeof d === 'number' ? d : NaN));
  const n = shape.reduce((a, b) => a * b, 1);
  const r = Number.isNaN(n) ? null : g.constant(dtype === 'float64' ? Float64Array.from(rand(n, 7)) : Float32Array.from(rand(n, 7)), dtype, shape);
  const loss = r ? g.ReduceSum(g.Mul(y, r), { axes: [...shape.keys()], keepdims: 0 }) : g.ReduceSum(y, { axes: [...shape.keys()], keepdims: 0 });
  g.output(loss, 'loss');
  const wrt = xs.filter((_, i) => !inputs[i].int);
  if (withGrads) {
    const grads = gradients(g, loss, wrt);
    wrt.forEach((w, i) => g.output(grads.get(w)!, `grad${i}`));
  }
  const s = await ort.InferenceSession.create(toOnnx(g));
  return { s, g };
}

function feeds(dtype: FloatDType, inputs: CheckInput[], override?: { i: number; data: number[] }): Record<string, ort.Tensor> {
  const f: Record<string, ort.Tensor> = {};
  inputs.forEach((inp, i) => (f[`x${i}`] = tensor(dtype, inp, override && override.i === i ? override.data : inp.data)));
  return f;
}

/** Analytic gradients of the check loss from the graph's backward part. */
export async function analytic(dtype: FloatDType, build: Build, inputs: CheckInput[]): Promise<number[][]> {
  const { s } = await session(dtype, build, inputs, true);
  const out = await s.run(feeds(dtype, inputs));
  const res: number[][] = [];
  let k = 0;
  inputs.forEach((inp) => {
    if (!inp.int) res.push(Array.from(out[`grad${k++}`].data as Float32Array | Float64Array));
  });
  return res;
}

/** Central finite differences of the check loss, evaluated by onnxruntime in float64. */
export async function numeric(build: Build, inputs: CheckInput[], h = 1e-6): Promise<number[][]> {
  const { s } = await session('float64', build, inputs, false);
  const res: number[][] = [];
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].int) continue;
    const grad: number[] = [];
    for (let j = 0; j < inputs[i].data.length; j++) {
      const plus = [...inputs[i].data];
      const minus = [...inputs[i].data];
      plus[j] += h;
      minus[j] -= h;
      const lp = (await s.run(feeds('float64', inputs, { i, data: plus }))).loss.data[0] as number;
      const lm = (await s.run(feeds('float64', inputs, { i, data: minus }))).loss.data[0] as number;
      grad.push((lp - lm) / (2 * h));
    }
    res.push(grad);
  }
  return res;
}

/**
 * Max relative error between analytic and numeric gradients over elements whose true gradient is not
 * near zero (|g| > floor); elements near zero must agree absolutely within `floor * 1e-2`.
 */
export function maxRelError(a: number[][], n: number[][], floor = 1e-4): { rel: number; absNearZero: number } {
  let rel = 0;
  let absNearZero = 0;
  a.forEach((ga, i) =>
    ga.forEach((v, j) => {
      const t = n[i][j];
      if (Math.abs(t) > floor) rel = Math.max(rel, Math.abs(v - t) / Math.abs(t));
      else absNearZero = Math.max(absNearZero, Math.abs(v - t));
    }),
  );
  return { rel, absNearZero };
}
