// Loads a local Hugging Face RoBERTa folder (config.json, tokenizer.json, model.safetensors) and
// checks it completely before any graph is built: every problem is reported with the file it is in.
import fs from 'node:fs';
import path from 'node:path';
import { ModelFolderError, type RobertaConfig, parseRobertaConfig, robertaEncoderShapes, robertaHeadShapes } from './roberta-config.ts';
import { readSafetensors, toFloat32 } from './safetensors.ts';
import { HfTokenizer } from '../tokenize/hf-tokenizer.ts';
import type { TruncateSide } from '../tokenize/encoded.ts';

/** A loaded folder: validated config, float32 weights under canonical names, and the tokenizer. */
export interface HfRobertaFolder {
  dir: string;
  config: RobertaConfig;
  /** Encoder tensors under prefix-free names (`encoder.layer.0.attention.self.query.weight`). */
  encoder: Map<string, Float32Array>;
  /** classifier.* tensors when the checkpoint has a sequence-classification head. */
  head: Map<string, Float32Array> | null;
  tokenizer: HfTokenizer;
}

/** Options; max_length defaults to the model's position table (514 - 2 for CodeBERTa). */
export interface LoadHfOptions {
  max_length?: number;
  truncate?: TruncateSide;
}

function need(dir: string, name: string, what: string): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    throw new ModelFolderError(`${file} is missing: ${what}`);
  }
  return file;
}

/** Reads and validates config.json alone (cheap; used to show a model's shape before loading it). */
export function readRobertaConfig(dir: string): RobertaConfig {
  const file = need(dir, 'config.json', 'a Hugging Face model folder needs config.json next to model.safetensors (download all of the model\'s files)');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ModelFolderError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseRobertaConfig(raw, file);
}

/** Loads the whole folder. */
export function loadHfRoberta(dir: string, o: LoadHfOptions = {}): HfRobertaFolder {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ModelFolderError(`${dir} is not a folder: pick the folder that holds config.json, tokenizer.json and model.safetensors`);
  }
  const config = readRobertaConfig(dir);
  const weightsFile = need(dir, 'model.safetensors',
    'the weights must be in safetensors format (a pytorch_model.bin can be converted with the safetensors "convert" tool, or download model.safetensors from the hub)');
  need(dir, 'tokenizer.json', 'copy the model\'s tokenizer.json into the folder (from the same Hugging Face model as the weights)');
  const file = readSafetensors(weightsFile);

  // RobertaModel checkpoints have bare names; the task models prefix the encoder with "roberta.".
  const canonical = new Map<string, { shape: number[]; name: string; tensor: ReturnType<typeof file.tensors.get> }>();
  for (const [name, t] of file.tensors) {
    const bare = name.startsWith('roberta.') ? name.slice('roberta.'.length) : name;
    canonical.set(bare, { shape: t.shape, name, tensor: t });
  }
  const encoder = new Map<string, Float32Array>();
  for (const [name, shape] of robertaEncoderShapes(config)) {
    const found = canonical.get(name);
    if (!found) {
      throw new ModelFolderError(`${weightsFile}: tensor "roberta.${name}" is missing (expected shape [${shape.join(', ')}] from config.json)`);
    }
    if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
      throw new ModelFolderError(`${weightsFile}: tensor "${found.name}" has shape [${found.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`);
    }
    encoder.set(name, toFloat32(found.tensor!, `${weightsFile}: ${found.name}`));
  }

  let head: Map<string, Float32Array> | null = null;
  const outProj = canonical.get('classifier.out_proj.weight');
  if (outProj) {
    const labels = outProj.shape[0];
    head = new Map();
    for (const [name, shape] of robertaHeadShapes(config, labels)) {
      const found = canonical.get(name);
      if (!found) throw new ModelFolderError(`${weightsFile}: tensor "${name}" is missing (the classifier head is incomplete)`);
      if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
        throw new ModelFolderError(`${weightsFile}: tensor "${name}" has shape [${found.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`);
      }
      head.set(name, toFloat32(found.tensor!, `${weightsFile}: ${name}`));
    }
  }

  const maxLength = Math.min(o.max_length ?? config.max_position_embeddings - 2, config.max_position_embeddings - config.pad_token_id - 1);
  const tokenizer = HfTokenizer.load(dir, { max_length: maxLength, truncate: o.truncate });
  return { dir, config, encoder, head, tokenizer };
}
