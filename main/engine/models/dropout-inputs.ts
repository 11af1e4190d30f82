// Training-mode dropout for the model builders: each dropout site becomes a mask graph input
// (graph/nn.ts `dropout`), and `masks()` draws every mask for one step from the seeded generator.
// Masks as inputs keep the graph free of the Dropout op, which WebGPU lacks, and make runs repeatable.
import * as ort from 'onnxruntime-node';
import type { Dim } from '../graph/shape.ts';
import type { MaskGenerator } from '../optim/dropout-mask.ts';
import type { DropoutFn } from './common.ts';

/** One dropout site: the mask input's name, element type, symbolic shape and rate. */
export interface DropoutSite {
  name: string;
  dtype: 'bool' | 'uint8';
  shape: readonly Dim[];
  p: number;
}

/** Collects dropout sites while a model is built, then produces their masks per step. */
export class DropoutInputs {
  readonly sites: DropoutSite[] = [];
  private readonly buffers = new Map<string, Uint8Array>();

  /**
   * The DropoutFn to pass to buildRoberta / buildScratch: x where the mask keeps it, else 0, scaled
   * by 1/(1-p). Masks are one byte per element (a quarter of the memory of float masks: at sequence
   * 512 RoBERTa's attention masks alone are 1.2 GB as float).
   *
   * On the CPU (and CUDA) the mask is a bool input selecting with Where, whose backward reads that
   * same input: nothing of the mask's size is computed or kept for the backward pass. Multiplying
   * by the mask cast to float kept a float copy of every mask alive from the forward pass to the
   * backward (50 MB per attention site for RoBERTa at batch 16, sequence 256). The WebGPU graph
   * keeps the uint8 mask, cast and multiplied, the form checked on a GPU (bench/gpu-check.sh).
   */
  readonly fn: DropoutFn = (g, x, p, site) => {
    if (p <= 0) return x;
    const name = `dropout.${this.sites.length}.${site}`;
    const dtype = g.target === 'webgpu' ? 'uint8' : 'bool';
    const mask = g.input(name, dtype, x.knownShape);
    this.sites.push({ name, dtype, shape: x.knownShape, p });
    const kept = dtype === 'bool' ? g.Where(mask, x, 0) : g.Mul(x, g.Cast(mask, { to: x.dtype }));
    return g.Mul(kept, 1 / (1 - p));
  };

  /** Masks for every site, with symbolic dims ('batch', 'seq') resolved from `dims`. */
  masks(gen: MaskGenerator, dims: Record<string, number>): Record<string, ort.Tensor> {
    const out: Record<string, ort.Tensor> = {};
    for (const s of this.sites) {
      const shape = s.shape.map((d) => {
        if (typeof d === 'number') return d;
        const v = dims[d];
        if (v === undefined) throw new Error(`dropout mask ${s.name}: no size given for dimension "${d}"`);
        return v;
      });
      const size = shape.reduce((a, b) => a * b, 1);
      // Buffers are reused across steps: onnxruntime reads inputs in place and is done when run() returns.
      let buf = this.buffers.get(s.name);
      if (!buf || buf.length !== size) this.buffers.set(s.name, (buf = new Uint8Array(size)));
      out[s.name] = new ort.Tensor(s.dtype, fastMask(gen.nextUint32(), size, s.p, buf), shape);
    }
    return out;
  }
}

/**
 * Fills a keep-mask (0 with probability p, else 1) from a 32-bit seed drawn from the seeded
 * generator. RoBERTa at sequence 512 needs ~10^8 mask values per step; drawing each from the
 * generator costs about a second, while this inline xorshift gives two 16-bit decisions per
 * draw (p resolved to 1/65536) at a fraction of that. Still fully determined by the generator state.
 */
export function fastMask(seed: number, size: number, p: number, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(size);
  if (p <= 0) return out.fill(1);
  if (p >= 1) return out.fill(0);
  const threshold = Math.round(p * 65536);
  let x = seed | 0 || 0x9e3779b9;
  let i = 0;
  for (; i + 1 < size; i += 2) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x & 0xffff) < threshold ? 0 : 1;
    out[i + 1] = x >>> 16 < threshold ? 0 : 1;
  }
  if (i < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x & 0xffff) < threshold ? 0 : 1;
  }
  return out;
}
