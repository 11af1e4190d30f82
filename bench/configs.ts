// The benchmark's configurations, shared by the orchestrator (bench/engine.ts), the Langlab worker
// and, through `toJSON`, the PyTorch reference (bench/reference_train.py).

/** One measured configuration. */
export interface BenchConfig {
  id: string;
  kind: 'train' | 'forward' | 'gemm';
  family?: 'scratch' | 'roberta';
  seq?: number;
  batch?: number;
  /** Optimizer steps (or forward batches) timed after the warm-up ones. */
  steps?: number;
  warmup?: number;
  /** RoBERTa freeze setting (the reference's default: freeze base, last 2 layers trainable). */
  unfreeze_last_n_layers?: number;
  num_labels?: number;
  /** Forces onnxruntime's CPU memory arena on or off (default: the engine's choice, on). */
  arena?: boolean;
  /**
   * RoBERTa training from the frozen-prefix cache (`cache_frozen_layers`): the timed steps are those
   * of an epoch after the first (read the cached prefix output, train the upper layers and the head).
   * The orchestrator also runs the same configuration without the cache, alternating, for `cached_speedup`.
   */
  cached?: boolean;
  /**
   * A configuration the product never runs, kept to show what one engine choice is worth: measured
   * only with `--diagnostics` (or when `--only` names it), and outside the targets.
   */
  diagnostic?: boolean;
}

/** CodeBERTa-small-v1's shape (random weights: nothing is downloaded). */
export const CODEBERTA_SHAPE = {
  vocab_size: 52000, hidden_size: 768, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 3072, max_length: 512,
} as const;

/** A from-scratch shape wider and deeper than the form's defaults (issue 4's configuration (a)). */
export const SCRATCH_SHAPE = { d_model: 256, num_layers: 4, num_heads: 4, dim_feedforward: 1024, dropout: 0.1 } as const;

export const CONFIGS: BenchConfig[] = [
  { id: 'gemm_fp32', kind: 'gemm' },
  { id: 'scratch_train_seq256_batch16', kind: 'train', family: 'scratch', seq: 256, batch: 16, steps: 6, warmup: 2, num_labels: 8 },
  { id: 'scratch_train_seq256_batch16_no_arena', kind: 'train', family: 'scratch', seq: 256, batch: 16, steps: 6, warmup: 2, num_labels: 8, arena: false, diagnostic: true },
  { id: 'roberta_freeze2_train_seq256_batch16', kind: 'train', family: 'roberta', seq: 256, batch: 16, steps: 3, warmup: 1, unfreeze_last_n_layers: 2, num_labels: 8 },
  { id: 'roberta_freeze2_cached_train_seq256_batch16', kind: 'train', family: 'roberta', seq: 256, batch: 16, steps: 3, warmup: 1, unfreeze_last_n_layers: 2, num_labels: 8, cached: true },
  { id: 'roberta_freeze2_train_seq512_batch16', kind: 'train', family: 'roberta', seq: 512, batch: 16, steps: 2, warmup: 1, unfreeze_last_n_layers: 2, num_labels: 8 },
  { id: 'scratch_forward_seq256_batch16', kind: 'forward', family: 'scratch', seq: 256, batch: 16, steps: 6, warmup: 1, num_labels: 8 },
  { id: 'roberta_forward_seq512_batch16', kind: 'forward', family: 'roberta', seq: 512, batch: 16, steps: 2, warmup: 1, num_labels: 8 },
];
