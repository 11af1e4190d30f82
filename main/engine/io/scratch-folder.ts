// Saves and loads a from-scratch model as config.json + model.safetensors (PyTorch state_dict names
// and layout), the same folder shape as a Hugging Face model so tools treat both alike.
import fs from 'node:fs';
import path from 'node:path';
import { SCRATCH_POOLINGS, type ScratchConfig, type ScratchPooling, type ScratchWeights, scratchShapes } from '../models/scratch.ts';
import { ModelFolderError } from './roberta-config.ts';
import { readSafetensors, toFloat32, writeSafetensors } from './safetensors.ts';

/** The architecture name written to config.json for the from-scratch family. */
export const SCRATCH_ARCHITECTURE = 'LanglabTransformerClassifier';

/** Writes config.json and model.safetensors. */
export function writeScratchFolder(dir: string, config: ScratchConfig, weights: ScratchWeights, labels: string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const json = { architectures: [SCRATCH_ARCHITECTURE], model_type: 'langlab-scratch', ...config, id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])) };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(json, null, 2));
  const tensors = new Map([...weights].map(([n, t]) => [n, { dtype: 'F32' as const, shape: t.shape, data: t.data }]));
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
}

/** Reads a folder written by writeScratchFolder, checking every tensor's shape against config.json. */
export function readScratchFolder(dir: string): { config: ScratchConfig; weights: ScratchWeights; labels: string[] } {
  const cfgFile = path.join(dir, 'config.json');
  if (!fs.existsSync(cfgFile)) throw new ModelFolderError(`${cfgFile} is missing: a from-scratch model folder needs config.json next to model.safetensors`);
  const raw = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown> & ScratchConfig;
  const arch = Array.isArray(raw.architectures) ? String(raw.architectures[0]) : 'none';
  if (arch !== SCRATCH_ARCHITECTURE) throw new ModelFolderError(`unknown architecture ${arch} in ${cfgFile} (expected ${SCRATCH_ARCHITECTURE})`);
  const id2label = (raw.id2label ?? {}) as Record<string, string>;
  const labels = Array.from({ length: Object.keys(id2label).length }, (_, i) => id2label[String(i)]);
  // Folders written before pooling existed used the mean.
  const pooling = (raw.pooling ?? 'mean') as ScratchPooling;
  if (!SCRATCH_POOLINGS.includes(pooling)) throw new ModelFolderError(`unknown pooling "${String(raw.pooling)}" in ${cfgFile} (expected ${SCRATCH_POOLINGS.join(' or ')})`);
  const config: ScratchConfig = {
    vocab_size: raw.vocab_size, d_model: raw.d_model, num_layers: raw.num_layers, num_heads: raw.num_heads,
    dim_feedforward: raw.dim_feedforward, dropout: raw.dropout,
    // Folders written before attention_dropout existed used `dropout` there.
    attention_dropout: typeof raw.attention_dropout === 'number' ? raw.attention_dropout : raw.dropout, max_length: raw.max_length,
    activation: raw.activation, layer_norm_eps: raw.layer_norm_eps, num_labels: raw.num_labels, pooling,
    // Folders written before n-gram embeddings existed have none.
    ngram_buckets: raw.ngram_buckets ?? 0, ngram_orders: raw.ngram_orders ?? [],
    // Folders written before file profiles existed have none.
    profile_buckets: raw.profile_buckets ?? 0, profile_bytes: raw.profile_bytes ?? 0,
  };
  if (!Number.isInteger(config.profile_buckets) || config.profile_buckets < 0 || !Number.isInteger(config.profile_bytes) || (config.profile_buckets > 0) !== (config.profile_bytes > 0)) {
    throw new ModelFolderError(`${cfgFile}: profile_buckets ${String(raw.profile_buckets)} and profile_bytes ${String(raw.profile_bytes)} do not fit together (expected both 0, or both positive whole numbers)`);
  }
  if (!Number.isInteger(config.ngram_buckets) || config.ngram_buckets < 0 || !Array.isArray(config.ngram_orders)
    || config.ngram_orders.some((n) => !Number.isInteger(n) || n < 2) || (config.ngram_buckets > 0) !== (config.ngram_orders.length > 0)) {
    throw new ModelFolderError(`${cfgFile}: ngram_buckets ${String(raw.ngram_buckets)} and ngram_orders ${JSON.stringify(raw.ngram_orders)} do not fit together (expected 0 and [], or a positive bucket count and orders of at least 2)`);
  }
  const file = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(file)) throw new ModelFolderError(`${file} is missing: the model's weights were not saved`);
  const st = readSafetensors(file);
  const weights: ScratchWeights = new Map();
  for (const [name, shape] of scratchShapes(config)) {
    const t = st.tensors.get(name);
    if (!t) throw new ModelFolderError(`${file}: tensor "${name}" is missing (expected shape [${shape.join(', ')}] from config.json)`);
    if (t.shape.join(',') !== shape.join(',')) {
      throw new ModelFolderError(`${file}: tensor "${name}" has shape [${t.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`);
    }
    weights.set(name, { shape, data: toFloat32(t, `${file}: ${name}`) });
  }
  return { config, weights, labels };
}
