// The description stored next to an exported model.onnx: which tokenizer settings reproduce the
// training inputs, and what the output columns mean. Anything that loads an export reads this first.
import type { TruncateSide } from '../tokenize/encoded.ts';
import type { SecondLook } from '../tokenize/second-look.ts';

/** File names inside an export folder. */
export const EXPORT_FILES = {
  manifest: 'langlab-model.json',
  model: 'model.onnx',
  labels: 'labels.json',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
} as const;

/** The exported graph's input of file profiles (`ExportManifest.inputs`). */
export const PROFILE_INPUT = 'file_profile';

/** How texts are tokenized for this model. */
export type TokenizerSpec =
  | { type: 'hf'; max_length: number; truncate: TruncateSide }
  | {
      type: 'bytes'; max_length: number; truncate: TruncateSide; add_special_tokens: boolean; skip_leading_comments?: boolean;
      /** The file profile's buckets and bytes read at each end (absent: the model reads no profile). */
      profile_buckets?: number; profile_bytes?: number;
    };

/** Linear layers stored int8 and run with dynamic activation quantization (see graph/quantize.ts). */
export type ExportQuantization = 'int8';

/** langlab-model.json. */
export interface ExportManifest {
  format: 'langlab-classifier';
  version: 1;
  family: 'roberta' | 'scratch';
  labels: string[];
  tokenizer: TokenizerSpec;
  /**
   * ONNX graph input names (int64 [batch, seq], and a from-scratch model with a file profile its
   * float32 [batch, profile buckets]) and output names ([batch, labels]).
   */
  inputs: ['input_ids', 'attention_mask'] | ['input_ids', 'attention_mask', 'file_profile'];
  outputs: ['probabilities', 'logits'];
  created_at: string;
  /** Absent: float32 throughout. */
  quantize?: ExportQuantization;
  /** A byte model's second look at the files it is unsure of (tokenize/second-look.ts); absent: none. */
  second_look?: SecondLook;
  /**
   * true: after the second look, the syntax rules move an answer between TypeScript and JavaScript,
   * or C and C++, where the file's whole text says which it is (export/syntax-rules.ts); absent: none.
   */
  syntax_rules?: boolean;
}
