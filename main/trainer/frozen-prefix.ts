// What the frozen-prefix cache needs to know of a model, apart from the model code itself, so the
// cache (and the engine benchmark) can use it without loading the tokenizer library that
// model.ts brings in (about 170 MB of the process's memory).

/** The frozen prefix of a model: its own forward graph and what its output depends on. */
export interface FrozenPrefix {
  /** Encoder layers in the prefix (besides the embeddings). */
  layers: number;
  hidden: number;
  /** How the cache stores (and the training step takes) the prefix's output. */
  dtype: PrefixDtype;
  /**
   * Builds and serialises the prefix graph (inputs input_ids, attention_mask; output `prefix_hidden`
   * [batch, seq, hidden] in `dtype`; no dropout). Called when a session is made, so the bytes and
   * the builder's weight copies live only until then.
   */
  model(): Uint8Array;
  /**
   * The evaluation graph above the prefix (no dropout): inputs `prefix_hidden` in `dtype`,
   * `attention_mask` and the trainable weights (`TrainableModel.evalParams`), output `logits`. It
   * holds no frozen weight, so validation from the cache keeps none in memory.
   */
  evalSuffix(): Uint8Array;
  /** SHA-256 of the prefix's config, dtype and every frozen weight: a cache made with another model is never read. */
  fingerprint: string;
}

/** Storage type of cached prefix outputs: float16 by default, float32 to compare. */
export type PrefixDtype = 'float16' | 'float32';

/** The training step's input that carries the frozen prefix's output. */
export const PREFIX_INPUT = 'prefix_hidden';
