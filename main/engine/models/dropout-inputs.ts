// Training-mode dropout for the model builders: each dropout site becomes a mask graph input
// (graph/nn.ts `dropout`), and `masks()` draws every mask for one step from the seeded generator.
// Masks as inputs keep the graph free of the Dropout op, which WebGPU lacks, and make runs repeatable.
import * as ort from 'onnxruntime-node';
import type { Dim } from '../graph/shape.ts';
import type { MaskGenerator } from '../optim/dropout-mask.ts';
import type { DropoutFn } from './common.ts';

/** One dropout site: the mask input's name, symbolic shape and rate. */
export interface DropoutSite {
  name: string;
  shape: readonly Dim[];
  p: number;
}

/** Collects dropout sites while a model is built, then produces their masks per step. */
export class DropoutInputs {
  readonly sites: DropoutSite[] = [];
  private readonly buffers = new Map<string, Uint8Array>();

  /**
   * The DropoutFn to pass to buildRoberta / buildScratch. Masks are uint8 0/1 inputs (a quarter of
   * the memory of float masks: at sequence 512 RoBERTa's attention masks alone are 1.2 GB as float),
   * cast in the graph and scaled by 1/(1-p).
   */
  readonly fn: DropoutFn = (g, x, p, site) => {
    if (p <= 0) return x;
    const name = `dropout.${this.sites.length}.${site}`;
    const mask = g.input(name, 'uint8', x.knownShape);
    this.sites.push({ name, shape: x.knownShape, p });
    return g.Mul(g.Mul(x, g.Cast(mask, { to: x.dtype })), 1 / (1 - p));
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
      out[s.name] = new ort.Tensor('uint8', fastMask(gen.nextUint32(), size, s.p, buf), shape);
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
