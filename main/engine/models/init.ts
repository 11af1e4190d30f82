// Seeded random initialisers. Models and the tiny test RoBERTa must be reproducible from a seed,
// so nothing here touches Math.random.

/** A small deterministic generator (mulberry32) with normal and uniform draws. */
export class Rng {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal via Box-Muller (the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** N(mean, std) values, as HF's RoBERTa and the guide's embeddings are initialised. */
export function normalInit(rng: Rng, count: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = mean + std * rng.normal();
  return out;
}

/** Xavier/Glorot-uniform for a [fanOut, fanIn] (or [fanIn, fanOut]) matrix: U(-a, a), a = sqrt(6/(in+out)). */
export function xavierUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (rng.next() * 2 - 1) * a;
  return out;
}

/** A constant-filled tensor (LayerNorm weights 1, biases 0). */
export function filled(count: number, value: number): Float32Array {
  return new Float32Array(count).fill(value);
}
