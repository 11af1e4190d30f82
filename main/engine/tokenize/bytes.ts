// Byte-level tokenizer for the from-scratch model: every UTF-8 byte is a token, so there is no
// vocabulary to learn or ship and any file (any language, any encoding) tokenizes the same way.
import { type EncodedBatch, type PadMode, type TextTokenizer, type TruncateSide, packRows, pickWindow } from './encoded.ts';
import { type FileProfile, fileProfile, profileMatrix } from './file-profile.ts';
import { leadingCommentEnd } from './leading-comments.ts';
import { spreadOffsets } from './second-look.ts';

/** Special ids sit after the 256 byte values (259, UNK, is reserved: every byte has its own id). */
export const BYTE_PAD = 256;
export const BYTE_CLS = 257;
export const BYTE_SEP = 258;
/** Vocabulary size of the byte tokenizer (256 bytes + PAD, CLS, SEP, UNK). */
export const BYTE_VOCAB_SIZE = 260;

/** Settings stored with a trained model so inference tokenizes exactly as training did. */
export interface ByteTokenizerOptions {
  max_length: number;
  /** Which part of a long file is read. */
  truncate?: TruncateSide;
  /** Prepend CLS and append SEP (the scratch model pools over all tokens, so off by default). */
  add_special_tokens?: boolean;
  /** Start the window after the file's leading comment blocks (licence headers); see leading-comments.ts. */
  skip_leading_comments?: boolean;
  /** Also hand the model the file's n-gram profile (file-profile.ts) in this many buckets; 0 or absent: none. */
  profile_buckets?: number;
  /** The profile counts up to this many bytes at each end of the file (after the leading comments). */
  profile_bytes?: number;
}

/** Encodes texts to byte ids; stateless apart from its options. */
export class ByteTokenizer implements TextTokenizer {
  readonly maxLength: number;
  readonly padId = BYTE_PAD;
  readonly truncate: TruncateSide;
  readonly addSpecial: boolean;
  readonly skipLeadingComments: boolean;
  readonly profileBuckets: number;
  readonly profileBytes: number;
  private readonly encoder = new TextEncoder();

  constructor(o: ByteTokenizerOptions) {
    if (!Number.isInteger(o.max_length) || o.max_length < (o.add_special_tokens ? 3 : 1)) {
      throw new Error(`byte tokenizer: max_length must be a positive integer, got ${o.max_length}`);
    }
    this.maxLength = o.max_length;
    this.truncate = o.truncate ?? 'head';
    this.addSpecial = o.add_special_tokens ?? false;
    this.skipLeadingComments = o.skip_leading_comments ?? false;
    this.profileBuckets = o.profile_buckets ?? 0;
    this.profileBytes = o.profile_bytes ?? 0;
    if (this.profileBuckets > 0 && !(Number.isInteger(this.profileBytes) && this.profileBytes > 0)) {
      throw new Error(`byte tokenizer: profile_bytes must be a positive integer with profile_buckets ${this.profileBuckets}, got ${o.profile_bytes}`);
    }
  }

  /** The bytes a window is read from: the file's, after its leading comments when that is on. */
  private content(text: string): Uint8Array {
    const all = this.encoder.encode(text);
    return this.skipLeadingComments ? all.subarray(leadingCommentEnd(all)) : all;
  }

  /** The file's n-gram profile (only when `profile_buckets` is on). */
  profile(text: string): FileProfile {
    if (this.profileBuckets === 0) throw new Error('byte tokenizer: this tokenizer has no profile (profile_buckets 0)');
    return fileProfile(this.content(text), this.profileBuckets, this.profileBytes);
  }

  /** Token ids of one text, truncated to the window. */
  ids(text: string): number[] {
    const room = this.maxLength - (this.addSpecial ? 2 : 0);
    const bytes = this.content(text);
    const parts = pickWindow(bytes, room, this.truncate);
    const out: number[] = [];
    if (this.addSpecial) out.push(BYTE_CLS);
    // head_tail joins the two ends directly: the model sees one continuous window.
    for (const p of parts) for (const b of p) out.push(b);
    if (this.addSpecial) out.push(BYTE_SEP);
    return out;
  }

  /**
   * Token ids of `count` windows as wide as the model's, spread evenly over the file (after its
   * leading comments) for a second look (second-look.ts); none when the file is short enough that
   * the head-and-tail read covers half of it or more.
   */
  windowIds(text: string, count: number): number[][] {
    const room = this.maxLength - (this.addSpecial ? 2 : 0);
    const bytes = this.content(text);
    return spreadOffsets(bytes.length, room, count).map((start) => {
      const out: number[] = [];
      if (this.addSpecial) out.push(BYTE_CLS);
      for (const b of bytes.subarray(start, start + room)) out.push(b);
      if (this.addSpecial) out.push(BYTE_SEP);
      return out;
    });
  }

  /** A batch of id rows (from `ids` or `windowIds`) of `texts`, row for row: a row's profile is its text's. */
  encodeRows(rows: number[][], texts: string[], pad: PadMode = 'max_length'): EncodedBatch {
    const enc = packRows(rows, this.maxLength, this.padId, pad);
    if (this.profileBuckets === 0) return enc;
    return { ...enc, profile: profileMatrix(texts.map((t) => this.profile(t)), this.profileBuckets) };
  }

  /**
   * The bytes a window is drawn from (after the leading comments, without special tokens), at
   * most `cap` of them from each end: training draws windows anew each epoch from these.
   */
  sourceIds(text: string, cap: number): Int32Array {
    const bytes = this.content(text);
    if (bytes.length <= 2 * cap) return Int32Array.from(bytes);
    const out = new Int32Array(2 * cap);
    out.set(bytes.subarray(0, cap));
    out.set(bytes.subarray(bytes.length - cap), cap);
    return out;
  }

  encode(texts: string[], pad: PadMode = 'max_length'): EncodedBatch {
    return this.encodeRows(texts.map((t) => this.ids(t)), texts, pad);
  }

  /** The JSON stored next to an exported model. */
  toJSON(): { type: 'bytes'; max_length: number; truncate: TruncateSide; add_special_tokens: boolean; skip_leading_comments: boolean; profile_buckets?: number; profile_bytes?: number } {
    return {
      type: 'bytes', max_length: this.maxLength, truncate: this.truncate, add_special_tokens: this.addSpecial, skip_leading_comments: this.skipLeadingComments,
      ...(this.profileBuckets > 0 ? { profile_buckets: this.profileBuckets, profile_bytes: this.profileBytes } : {}),
    };
  }
}
