// The shape every tokenizer hands to a model: int64 ids and mask, row-major [batch, seqLen],
// ready to be passed to onnxruntime without copying.

/** A tokenized batch. */
export interface EncodedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  batch: number;
  seqLen: number;
  /** The byte tokenizer's file profiles, float32 [batch, profile buckets], when it computes them. */
  profile?: Float32Array;
}

/** Which part of a file longer than the model's window is read: its start, its end, or both halves. */
export const TRUNCATE_SIDES = ['head', 'tail', 'head_tail'] as const;
export type TruncateSide = (typeof TRUNCATE_SIDES)[number];

/** How a batch is padded: to the fixed maximum (one graph shape) or to its longest row. */
export type PadMode = 'max_length' | 'longest';

/** Anything that turns texts into model inputs (the byte tokenizer and the HF tokenizer both are). */
export interface TextTokenizer {
  readonly maxLength: number;
  readonly padId: number;
  encode(texts: string[], pad?: PadMode): EncodedBatch;
}

/** Packs variable-length id rows into a padded batch. */
export function packRows(rows: number[][], maxLength: number, padId: number, pad: PadMode): EncodedBatch {
  const seqLen = pad === 'max_length' ? maxLength : Math.max(1, ...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * seqLen).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * seqLen);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.length && t < seqLen; t++) {
      ids[b * seqLen + t] = BigInt(r[t]);
      mask[b * seqLen + t] = 1n;
    }
  });
  return { inputIds: ids, attentionMask: mask, batch: rows.length, seqLen };
}

/** Picks `keep` items out of `xs` by side, as pieces in file order; head_tail keeps the first and the last half. */
export function pickWindow<T extends { length: number; slice(a: number, b?: number): T }>(xs: T, keep: number, side: TruncateSide): T[] {
  const n = xs.length;
  if (n <= keep) return [xs];
  if (side === 'head') return [xs.slice(0, keep)];
  if (side === 'tail') return [xs.slice(n - keep)];
  const first = Math.ceil(keep / 2);
  return [xs.slice(0, first), xs.slice(n - (keep - first))];
}
