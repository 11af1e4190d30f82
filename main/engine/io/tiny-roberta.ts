// Creates a tiny random RoBERTa in the Hugging Face folder format (config.json, tokenizer.json,
// tokenizer_config.json, model.safetensors). Tests, parity fixtures and the benchmark use it so
// nothing ever has to download weights; a CodeBERTa-sized one is the same code with bigger numbers.
import fs from 'node:fs';
import path from 'node:path';
import { type RobertaConfig, robertaConfigJson, robertaEncoderShapes, robertaHeadShapes } from './roberta-config.ts';
import { type SafeTensor, writeSafetensors } from './safetensors.ts';
import { Rng, normalInit } from '../models/init.ts';

/** Options for the generated model; defaults give a ~100 KB model that trains in milliseconds. */
export interface TinyRobertaOptions {
  seed?: number;
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  intermediate_size?: number;
  /** Longest input in tokens (position table is this + 2, as RoBERTa offsets positions by pad+1). */
  max_length?: number;
  /** Word pieces learned on top of the 256 bytes; vocab_size = 4 specials + 256 + merges (or vocab_size if larger). */
  merges?: string[];
  vocab_size?: number;
  /** When given, a classifier head with these labels is written (architecture RobertaForSequenceClassification). */
  labels?: string[] | null;
  /** Randomise LayerNorm weights/biases and linear biases too (parity tests exercise every tensor). */
  randomize_all?: boolean;
  layer_norm_eps?: number;
  /** Standard deviation of weight matrices (HF uses 0.02; parity fixtures use more so attention is not uniform). */
  init_std?: number;
}

const SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;

const DEFAULT_MERGES = [
  'Ġ Ġ', 'ĠĠ ĠĠ', 'i n', 'e r', 'r e', 'o n', 'Ġ t', 'Ġ =', 'e n', 'Ġ (', ') ;', 'Ġ {', 'Ġ }',
  'f u', 'fu n', 'c t', 'i on', 'ct ion', 'fun ction', 'Ġ d', 'e f', 'Ġd ef', 'Ġ i', 'Ġi m', 'p o',
  'r t', 'po rt', 'Ġim port', 'Ċ Ġ', 'Ċ ĠĠ', 'c l', 'a s', 's s', 'cl a', 'cla ss',
];

/** The byte-level BPE alphabet: each byte maps to a printable code point (GPT-2's convention). */
export function byteToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = keep.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

/** A byte-level BPE tokenizer.json with RoBERTa's special tokens and post-processor. */
export function tinyTokenizerJson(merges: string[], vocabSize: number): { tokenizer: Record<string, unknown>; vocabUsed: number } {
  const vocab: Record<string, number> = {};
  SPECIALS.forEach((t, i) => (vocab[t] = i));
  for (const ch of byteToUnicode()) vocab[ch] = Object.keys(vocab).length;
  for (const m of merges) {
    const tok = m.replace(' ', '');
    if (!(tok in vocab)) vocab[tok] = Object.keys(vocab).length;
  }
  const used = Object.keys(vocab).length;
  if (used > vocabSize) throw new Error(`tiny tokenizer needs ${used} ids but vocab_size is ${vocabSize}`);
  const added = SPECIALS.map((content, id) => ({
    id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
    },
  };
  return { tokenizer, vocabUsed: used };
}

/** tokenizer_config.json contents for a RoBERTa tokenizer with `maxLength` tokens. */
export function tinyTokenizerConfig(maxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: 'RobertaTokenizer',
    model_max_length: maxLength,
    bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>',
    unk_token: '<unk>', pad_token: '<pad>', mask_token: '<unk>',
    add_prefix_space: false, errors: 'replace', trim_offsets: true,
  };
}

/** Fills the tiny model's config from options (exported so benchmarks can size a CodeBERTa-shaped one). */
export function tinyRobertaConfig(o: TinyRobertaOptions = {}): RobertaConfig {
  const merges = o.merges ?? DEFAULT_MERGES;
  const minVocab = SPECIALS.length + 256 + merges.length;
  const maxLen = o.max_length ?? 64;
  return {
    architecture: o.labels ? 'RobertaForSequenceClassification' : 'RobertaModel',
    vocab_size: Math.max(o.vocab_size ?? 0, minVocab),
    hidden_size: o.hidden_size ?? 32,
    num_hidden_layers: o.num_hidden_layers ?? 2,
    num_attention_heads: o.num_attention_heads ?? 4,
    intermediate_size: o.intermediate_size ?? 64,
    max_position_embeddings: maxLen + 2,
    type_vocab_size: 1,
    layer_norm_eps: o.layer_norm_eps ?? 1e-5,
    pad_token_id: 1,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    hidden_act: 'gelu',
    id2label: o.labels ?? null,
  };
}

/** Random weights for a config under HF tensor names (with the `roberta.` prefix). */
export function tinyRobertaWeights(c: RobertaConfig, o: TinyRobertaOptions = {}): Map<string, SafeTensor> {
  const rng = new Rng(o.seed ?? 1234);
  const all = o.randomize_all ?? false;
  const out = new Map<string, SafeTensor>();
  const put = (name: string, shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const leaf = name.split('.').slice(-2).join('.');
    let data: Float32Array;
    if (leaf.startsWith('LayerNorm.')) {
      data = all ? normalInit(rng, n, 0.1, name.endsWith('weight') ? 1 : 0) : new Float32Array(n).fill(name.endsWith('weight') ? 1 : 0);
    } else if (name.endsWith('.bias')) {
      data = all ? normalInit(rng, n, 0.02) : new Float32Array(n);
    } else {
      data = normalInit(rng, n, o.init_std ?? 0.02);
    }
    // HF zeroes the padding row of the word embedding (padding_idx).
    if (name.endsWith('word_embeddings.weight') || name.endsWith('position_embeddings.weight')) {
      data.fill(0, c.pad_token_id * shape[1], (c.pad_token_id + 1) * shape[1]);
    }
    out.set(name, { dtype: 'F32', shape, data });
  };
  for (const [name, shape] of robertaEncoderShapes(c)) put(`roberta.${name}`, shape);
  if (o.labels) for (const [name, shape] of robertaHeadShapes(c, o.labels.length)) put(name, shape);
  return out;
}

/** Writes a complete tiny model folder; returns its config. */
export function writeTinyRoberta(dir: string, o: TinyRobertaOptions = {}): RobertaConfig {
  const c = tinyRobertaConfig(o);
  fs.mkdirSync(dir, { recursive: true });
  const { tokenizer } = tinyTokenizerJson(o.merges ?? DEFAULT_MERGES, c.vocab_size);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(robertaConfigJson(c, o.labels ?? null), null, 2));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tinyTokenizerConfig(c.max_position_embeddings - 2), null, 2));
  writeSafetensors(path.join(dir, 'model.safetensors'), tinyRobertaWeights(c, o), { format: 'pt' });
  return c;
}
