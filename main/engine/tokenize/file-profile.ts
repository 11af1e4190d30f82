// A file's byte n-gram profile: how often each 1- to 4-byte sequence occurs in up to a few KiB at
// each end of it, hashed into a fixed number of buckets. The model's window reads 256 bytes; the
// profile lets what lies beyond it count too. A C++ file written in C style (`#include`, `static
// int`, `memset`) often shows its `::` or `std::` only past the window, as a TypeScript file its
// `: string`; the profile of its first and last 4 KiB carries them to the classifier.

/** The n-gram lengths counted. */
export const PROFILE_ORDERS: readonly number[] = [1, 2, 3, 4];
/** Bucket indices and counts are stored as 16-bit numbers. */
export const MAX_PROFILE_BUCKETS = 65_536;

/** A file's profile: the buckets that occur (ascending) and how often (capped at 65,535). */
export interface FileProfile {
  buckets: Uint16Array;
  counts: Uint16Array;
}

/** FNV-1a's offset basis and prime; each order starts from its own basis so `a` and `aa` differ. */
const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 16777619;

/**
 * Counts the hashed n-grams of `bytes`' first `span` and last `span` bytes (the whole of a file up
 * to 2 × `span` long; n-grams never cross from the head into the tail).
 */
export function fileProfile(bytes: Uint8Array, buckets: number, span: number): FileProfile {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_PROFILE_BUCKETS) throw new Error(`profile buckets ${buckets} must be a whole number from 1 to ${MAX_PROFILE_BUCKETS}`);
  const counts = new Uint32Array(buckets);
  const pieces = bytes.length <= 2 * span ? [bytes] : [bytes.subarray(0, span), bytes.subarray(bytes.length - span)];
  for (const piece of pieces) {
    for (let i = 0; i < piece.length; i++) {
      for (const n of PROFILE_ORDERS) {
        if (i + 1 < n) break;
        let h = FNV_BASIS ^ n;
        for (let k = i + 1 - n; k <= i; k++) h = Math.imul(h ^ piece[k], FNV_PRIME);
        counts[(h >>> 0) % buckets]++;
      }
    }
  }
  let used = 0;
  for (let b = 0; b < buckets; b++) if (counts[b] > 0) used++;
  const out: FileProfile = { buckets: new Uint16Array(used), counts: new Uint16Array(used) };
  for (let b = 0, j = 0; b < buckets; b++) {
    if (counts[b] === 0) continue;
    out.buckets[j] = b;
    out.counts[j++] = Math.min(counts[b], 0xffff);
  }
  return out;
}

/**
 * The model's input for profiles: row-major [rows, buckets], each row the square roots of its
 * counts scaled to unit length (an empty file's row is zeros), so long and short files weigh alike
 * and a sequence that occurs a hundred times does not drown the rare telling one.
 */
export function profileMatrix(rows: readonly FileProfile[], buckets: number): Float32Array {
  const out = new Float32Array(rows.length * buckets);
  rows.forEach((p, r) => {
    let norm = 0;
    for (let j = 0; j < p.counts.length; j++) norm += p.counts[j];
    if (norm === 0) return;
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < p.buckets.length; j++) out[r * buckets + p.buckets[j]] = Math.sqrt(p.counts[j]) * scale;
  });
  return out;
}
