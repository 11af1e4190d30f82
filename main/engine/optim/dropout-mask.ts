/**
 * Seeded dropout masks fed to graphs as inputs (so no Dropout op is needed and WebGPU graphs work).
 * The generator is xoshiro128**; its 4-word state can be saved with a checkpoint and restored, so a
 * resumed run draws the same masks as an uninterrupted one.
 */
export type MaskState = readonly [number, number, number, number];

export class MaskGenerator {
  private s: Uint32Array;

  constructor(seed: number) {
    // splitmix32 expands the seed so that nearby seeds give unrelated streams.
    this.s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** Next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A mask of `size` values: 0 with probability p, else 1/(1-p) (inverted dropout). */
  mask(size: number, p: number, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
    const out = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    if (p <= 0) return out.fill(1);
    if (p >= 1) return out;
    const keep = 1 / (1 - p);
    const threshold = Math.floor(p * 4294967296);
    for (let i = 0; i < size; i++) out[i] = this.nextUint32() < threshold ? 0 : keep;
    return out;
  }

  getState(): MaskState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: MaskState): void {
    this.s = Uint32Array.from(state);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
