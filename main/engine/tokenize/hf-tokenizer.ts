// Wraps the transformers.js tokenizer (@huggingface/transformers, the maintained successor of
// @xenova/transformers) for a local model folder. It is built from the folder's JSON files directly,
// so it never consults the hub or the library's global model paths.
import fs from 'node:fs';
import path from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { type EncodedBatch, type PadMode, type TextTokenizer, type TruncateSide, packRows, pickWindow } from './encoded.ts';

/** Thrown when tokenizer.json is missing or cannot be loaded; names the file. */
export class TokenizerLoadError extends Error {
  override name = 'TokenizerLoadError';
  /** The engine cannot import main/errors.ts; this code is the one toErrorPayload passes on. */
  readonly code = 'INVALID_ARGUMENT';
}

/** Options: the window length and which part of a long file is read. */
export interface HfTokenizerOptions {
  max_length: number;
  truncate?: TruncateSide;
}

/** A RoBERTa-style tokenizer: <s> tokens </s>, padded with the folder's pad token. */
export class HfTokenizer implements TextTokenizer {
  readonly maxLength: number;
  readonly padId: number;
  readonly truncate: TruncateSide;

  private constructor(private readonly tok: PreTrainedTokenizer, o: HfTokenizerOptions) {
    this.maxLength = o.max_length;
    this.truncate = o.truncate ?? 'head';
    this.padId = tok.pad_token_id ?? 1;
  }

  /** Loads tokenizer.json (+ tokenizer_config.json when present) from `dir`. */
  static load(dir: string, o: HfTokenizerOptions): HfTokenizer {
    const file = path.join(dir, 'tokenizer.json');
    if (!fs.existsSync(file)) {
      throw new TokenizerLoadError(`${file} is missing: copy the model's tokenizer.json into the folder (from the same Hugging Face model as the weights)`);
    }
    const cfgFile = path.join(dir, 'tokenizer_config.json');
    try {
      const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      const cfg: unknown = fs.existsSync(cfgFile) ? JSON.parse(fs.readFileSync(cfgFile, 'utf8')) : {};
      if (typeof json !== 'object' || json === null || !('model' in json)) throw new Error('no "model" section');
      const tok = new PreTrainedTokenizer(json, cfg);
      // Encoding once surfaces broken vocabularies or regexes here rather than mid-training.
      tok('x', { return_tensor: false });
      return new HfTokenizer(tok, o);
    } catch (e) {
      throw new TokenizerLoadError(`${file}: the tokenizer does not load (${(e as Error).message}); is it a Hugging Face tokenizers JSON file?`);
    }
  }

  /** Ids with specials, truncated so the closing special token is kept (as Python's tokenizers do). */
  ids(text: string): number[] {
    const window = this.selectText(text);
    const row = this.tok(window, { add_special_tokens: true, return_tensor: false }).input_ids as number[];
    if (row.length <= this.maxLength) return row;
    const inner = pickWindow(row.slice(1, -1), this.maxLength - 2, this.truncate);
    return [row[0], ...inner.flat(), row[row.length - 1]];
  }

  // Tokenizing a 1 MB file to keep 512 tokens is waste: each token covers at least one character
  // in practice, so 8 characters per token is a generous cut before the exact token-level one.
  private selectText(text: string): string {
    const chars = this.maxLength * 8;
    if (text.length <= chars) return text;
    return pickWindow(text, chars, this.truncate).join('\n');
  }

  encode(texts: string[], pad: PadMode = 'max_length'): EncodedBatch {
    return packRows(texts.map((t) => this.ids(t)), this.maxLength, this.padId, pad);
  }
}
