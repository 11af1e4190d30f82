// The part of a Hugging Face config.json that a RoBERTa encoder needs, validated, plus the tensor
// names and shapes such a config implies, so a checkpoint can be checked before any graph is built.

/** Architectures whose weights contain a RoBERTa encoder this engine can load. */
export const ROBERTA_ARCHITECTURES = ['RobertaForSequenceClassification', 'RobertaModel', 'RobertaForMaskedLM'] as const;

/** A validated RoBERTa config (names follow config.json so a reader can match them up). */
export interface RobertaConfig {
  architecture: string;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  pad_token_id: number;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  hidden_act: string;
  /** Labels from id2label when the checkpoint carries a classifier; null otherwise. */
  id2label: string[] | null;
}

/** Thrown when config.json is unusable; the message names the file and the field. */
export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
  /** The engine cannot import main/errors.ts; this code is the one toErrorPayload passes on. */
  readonly code = 'INVALID_ARGUMENT';
}

/** More encoder layers than any published RoBERTa-family model has by far; the tensor list is built per layer. */
const MAX_ENCODER_LAYERS = 1024;

function int(raw: Record<string, unknown>, key: string, file: string, fallback?: number, max = Infinity): number {
  // Absent takes the default; null is a value, and not a number.
  const v = raw[key] === undefined ? fallback : raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ModelFolderError(`${file}: "${key}" must be a non-negative integer, found ${JSON.stringify(raw[key])}`);
  }
  if (v > max) throw new ModelFolderError(`${file}: "${key}" must be at most ${max}, found ${v}`);
  return v;
}

function num(raw: Record<string, unknown>, key: string, file: string, fallback: number): number {
  // Absent takes the default; null is a value, and not a number.
  const v = raw[key] === undefined ? fallback : raw[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ModelFolderError(`${file}: "${key}" must be a non-negative number, found ${JSON.stringify(raw[key])}`);
  }
  return v;
}

/** Validates a parsed config.json; `file` names it in errors. */
export function parseRobertaConfig(raw: unknown, file: string): RobertaConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFolderError(`${file}: not a JSON object`);
  const r = raw as Record<string, unknown>;
  const archs = r.architectures;
  if (archs !== undefined && !(Array.isArray(archs) && archs.every((a) => typeof a === 'string'))) {
    throw new ModelFolderError(`${file}: "architectures" must be a list of names such as ["RobertaForSequenceClassification"], found ${JSON.stringify(archs)}`);
  }
  const arch = Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : r.model_type === 'roberta' ? 'RobertaModel' : String(archs ?? r.model_type ?? 'none');
  if (!(ROBERTA_ARCHITECTURES as readonly string[]).includes(arch)) {
    throw new ModelFolderError(`unknown architecture ${arch} in ${file} (supported: ${ROBERTA_ARCHITECTURES.join(', ')})`);
  }
  const hidden = int(r, 'hidden_size', file);
  const heads = int(r, 'num_attention_heads', file);
  if (heads === 0 || hidden % heads !== 0) {
    throw new ModelFolderError(`${file}: hidden_size ${hidden} is not divisible by num_attention_heads ${heads}`);
  }
  const act = (r.hidden_act ?? 'gelu') as string;
  if (act !== 'gelu') throw new ModelFolderError(`${file}: hidden_act "${act}" is not supported (only "gelu")`);
  let id2label: string[] | null = null;
  if (r.id2label && typeof r.id2label === 'object') {
    const m = r.id2label as Record<string, unknown>;
    const n = Object.keys(m).length;
    id2label = Array.from({ length: n }, (_, i) => String(m[String(i)] ?? `LABEL_${i}`));
  }
  const vocab = int(r, 'vocab_size', file);
  const positions = int(r, 'max_position_embeddings', file);
  const pad = int(r, 'pad_token_id', file, 1);
  // RoBERTa numbers positions from pad_token_id + 1, so the table must reach past it.
  if (pad >= vocab || pad + 1 >= positions) {
    throw new ModelFolderError(`${file}: pad_token_id ${pad} must be below vocab_size ${vocab} and below max_position_embeddings ${positions} less 1`);
  }
  return {
    architecture: arch,
    vocab_size: vocab,
    hidden_size: hidden,
    num_hidden_layers: int(r, 'num_hidden_layers', file, undefined, MAX_ENCODER_LAYERS),
    num_attention_heads: heads,
    intermediate_size: int(r, 'intermediate_size', file),
    max_position_embeddings: positions,
    type_vocab_size: int(r, 'type_vocab_size', file, 1),
    layer_norm_eps: num(r, 'layer_norm_eps', file, 1e-5),
    pad_token_id: pad,
    hidden_dropout_prob: num(r, 'hidden_dropout_prob', file, 0.1),
    attention_probs_dropout_prob: num(r, 'attention_probs_dropout_prob', file, 0.1),
    hidden_act: act,
    id2label,
  };
}

/** Writes a config back in config.json form (used by the tiny-model generator and export). */
export function robertaConfigJson(c: RobertaConfig, labels: string[] | null): Record<string, unknown> {
  const json: Record<string, unknown> = {
    architectures: [c.architecture],
    model_type: 'roberta',
    vocab_size: c.vocab_size,
    hidden_size: c.hidden_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: c.num_attention_heads,
    intermediate_size: c.intermediate_size,
    hidden_act: c.hidden_act,
    hidden_dropout_prob: c.hidden_dropout_prob,
    attention_probs_dropout_prob: c.attention_probs_dropout_prob,
    max_position_embeddings: c.max_position_embeddings,
    type_vocab_size: c.type_vocab_size,
    layer_norm_eps: c.layer_norm_eps,
    pad_token_id: c.pad_token_id,
    bos_token_id: 0,
    eos_token_id: 2,
    initializer_range: 0.02,
  };
  if (labels) {
    json.id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
    json.label2id = Object.fromEntries(labels.map((l, i) => [l, i]));
  }
  return json;
}

/** Canonical (prefix-free) names of the encoder tensors with the shapes the config implies. */
export function robertaEncoderShapes(c: RobertaConfig): Map<string, number[]> {
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const m = new Map<string, number[]>([
    ['embeddings.word_embeddings.weight', [c.vocab_size, H]],
    ['embeddings.position_embeddings.weight', [c.max_position_embeddings, H]],
    ['embeddings.token_type_embeddings.weight', [c.type_vocab_size, H]],
    ['embeddings.LayerNorm.weight', [H]],
    ['embeddings.LayerNorm.bias', [H]],
  ]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}.`;
    for (const qkv of ['query', 'key', 'value']) {
      m.set(`${p}attention.self.${qkv}.weight`, [H, H]);
      m.set(`${p}attention.self.${qkv}.bias`, [H]);
    }
    m.set(`${p}attention.output.dense.weight`, [H, H]);
    m.set(`${p}attention.output.dense.bias`, [H]);
    m.set(`${p}attention.output.LayerNorm.weight`, [H]);
    m.set(`${p}attention.output.LayerNorm.bias`, [H]);
    m.set(`${p}intermediate.dense.weight`, [I, H]);
    m.set(`${p}intermediate.dense.bias`, [I]);
    m.set(`${p}output.dense.weight`, [H, I]);
    m.set(`${p}output.dense.bias`, [H]);
    m.set(`${p}output.LayerNorm.weight`, [H]);
    m.set(`${p}output.LayerNorm.bias`, [H]);
  }
  return m;
}

/** The sequence-classification head's tensors for `numLabels` classes. */
export function robertaHeadShapes(c: RobertaConfig, numLabels: number): Map<string, number[]> {
  const H = c.hidden_size;
  return new Map([
    ['classifier.dense.weight', [H, H]],
    ['classifier.dense.bias', [H]],
    ['classifier.out_proj.weight', [numLabels, H]],
    ['classifier.out_proj.bias', [numLabels]],
  ]);
}
