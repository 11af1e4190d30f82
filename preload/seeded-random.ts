// A seeded generator so that splits, samples and random searches are the same on every machine and
// Node version (Math.random cannot be seeded). Pure: the renderer, the main process and the
// benchmarks share it.

/** mulberry32: small, fast, good enough for shuffling and drawing. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
