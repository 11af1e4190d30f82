import type { NearDuplicatePair, Split } from './types.ts';

// MinHash over token shingles with LSH banding: a file copied with whitespace changes, stripped
// comments or a few renamed identifiers keeps most of its 3-token shingles, so its signature
// agrees with the original's in most positions, while unrelated files rarely share a whole band.

export const SIGNATURE_SIZE = 64;
const BANDS = 16;
const ROWS = SIGNATURE_SIZE / BANDS;
const SHINGLE = 3;
/** Buckets larger than this are boilerplate (licence headers, empty modules); skip their pairs. */
const MAX_BUCKET = 400;

const SEEDS = (() => {
  const seeds = new Uint32Array(SIGNATURE_SIZE);
  let x = 0x9e3779b9;
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    x = fmix32(x + 0x6d2b79f5 + i);
    seeds[i] = x;
  }
  return seeds;
})();

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Drops the common comment forms, so a copy that only differs in comments looks the same. */
export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/(^|[^:"'\\])\/\/[^\n]*/g, '$1 ')
    .replace(/(^|\s)#(?![!{]|include|define|if|else|endif|pragma|import)[^\n]*/g, '$1 ');
}

/** Identifiers, numbers and single punctuation characters; whitespace is gone. */
export function tokens(text: string): string[] {
  return stripComments(text).match(/[A-Za-z_$][\w$]*|\d[\w.]*|\S/g) ?? [];
}

/** Texts with fewer tokens are not compared: near-empty files all look alike. */
export const MIN_TOKENS = 16;

/** The MinHash signature of a text: per seed, the least hash of any token shingle. */
export function minhashSignature(text: string): Uint32Array | null {
  const toks = tokens(text).map(fnv1a);
  if (toks.length < MIN_TOKENS) return null;
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  const count = Math.max(1, toks.length - SHINGLE + 1);
  for (let i = 0; i < count; i++) {
    let h = 0x12345678;
    for (let k = i; k < Math.min(i + SHINGLE, toks.length); k++) h = fmix32(h ^ toks[k]) + k - i;
    h >>>= 0;
    for (let s = 0; s < SIGNATURE_SIZE; s++) {
      const v = fmix32(h ^ SEEDS[s]);
      if (v < sig[s]) sig[s] = v;
    }
  }
  return sig;
}

/** Share of equal positions: an estimate of the Jaccard similarity of the shingle sets. */
export function signatureSimilarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

export interface SignedFile {
  path: string;
  split: Split;
  label: string;
  signature: Uint32Array;
}

/**
 * Pairs of files in different splits whose estimated similarity reaches `threshold`, most similar
 * first, at most `maxPairs` (with `truncated` saying whether more existed).
 */
export function findCrossSplitNearDuplicates(
  files: readonly SignedFile[],
  threshold: number,
  maxPairs: number,
  tick: () => void = () => {},
): { pairs: NearDuplicatePair[]; truncated: boolean } {
  const seen = new Set<string>();
  const found: { i: number; j: number; similarity: number }[] = [];
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<string, number[]>();
    for (let i = 0; i < files.length; i++) {
      const sig = files[i].signature;
      let key = '';
      for (let r = band * ROWS; r < (band + 1) * ROWS; r++) key += sig[r].toString(36) + ',';
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2 || bucket.length > MAX_BUCKET) continue;
      tick();
      for (let x = 0; x < bucket.length; x++) {
        for (let y = x + 1; y < bucket.length; y++) {
          const i = bucket[x];
          const j = bucket[y];
          if (files[i].split === files[j].split) continue;
          const key = i < j ? `${i},${j}` : `${j},${i}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const similarity = signatureSimilarity(files[i].signature, files[j].signature);
          if (similarity >= threshold) found.push({ i: Math.min(i, j), j: Math.max(i, j), similarity });
        }
      }
    }
  }
  found.sort((p, q) => q.similarity - p.similarity || p.i - q.i || p.j - q.j);
  const pairs = found.slice(0, maxPairs).map(({ i, j, similarity }) => ({
    a: files[i].path,
    aSplit: files[i].split,
    b: files[j].path,
    bSplit: files[j].split,
    label: files[i].label === files[j].label ? files[i].label : null,
    similarity,
  }));
  return { pairs, truncated: found.length > maxPairs };
}
