// Checks a pretrained model folder the moment it is picked, without loading its weights: config.json
// parsed and validated, model.safetensors' header read (every encoder tensor present with the shape
// the config implies) and the tokenizer loaded. A bad folder is an error naming the file.

import fs from 'node:fs';
import path from 'node:path';
import type { ModelCheck } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { readRobertaConfig } from '../../engine/io/hf-folder.ts';
import { ModelFolderError, type RobertaConfig, robertaEncoderShapes } from '../../engine/io/roberta-config.ts';
import { HfTokenizer } from '../../engine/tokenize/hf-tokenizer.ts';

/** What a checked folder holds: the contract's summary plus the config for estimates. */
export interface CheckedModel {
  check: ModelCheck;
  config: RobertaConfig;
}

type Header = Map<string, number[]>;

/** Reads only the JSON header of a safetensors file (a 500 MB model costs a few kilobytes). */
function readSafetensorsHeader(file: string): Header {
  const fail = (what: string): never => {
    throw new LanglabError('INVALID_ARGUMENT', `${file}: ${what}. Is it a complete .safetensors file?`);
  };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LanglabError('INVALID_ARGUMENT', code === 'ENOENT'
      ? `${file} is missing: the weights must be in safetensors format next to config.json (download model.safetensors from the model's page).`
      : `${file} cannot be read (${code}).`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) fail('it is not a file');
    const size = stat.size;
    const lenBuf = Buffer.alloc(8);
    if (size < 8 || fs.readSync(fd, lenBuf, 0, 8, 0) !== 8) fail(`the file is ${size} bytes, too short for a header`);
    const len = lenBuf.readBigUInt64LE(0);
    if (len > BigInt(Math.min(size - 8, 100_000_000))) fail(`the header length ${len} does not fit in the file`);
    const headerBuf = Buffer.alloc(Number(len));
    fs.readSync(fd, headerBuf, 0, headerBuf.length, 8);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBuf));
    } catch (err) {
      fail(`the header is not valid JSON (${(err as Error).message})`);
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
    const shapes: Header = new Map();
    for (const [name, entry] of Object.entries(header as Record<string, { shape?: unknown }>)) {
      if (name === '__metadata__') continue;
      const shape = entry?.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor "${name}" has a bad shape ${JSON.stringify(shape)}`);
      shapes.set(name.startsWith('roberta.') ? name.slice('roberta.'.length) : name, shape as number[]);
    }
    return shapes;
  } finally {
    fs.closeSync(fd);
  }
}

function asUserError(err: unknown): never {
  if (err instanceof LanglabError) throw err;
  if (err instanceof Error) throw new LanglabError('INVALID_ARGUMENT', err.message, { cause: err });
  throw err;
}

/** Checks a Hugging Face RoBERTa folder; throws INVALID_ARGUMENT naming the file at fault. */
export function checkModelFolder(dir: string): CheckedModel {
  const abs = path.resolve(dir);
  try {
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
      throw new ModelFolderError(`${abs} is not a folder: pick the folder that holds config.json, tokenizer.json and model.safetensors.`);
    }
    const config = readRobertaConfig(abs);
    const weights = path.join(abs, 'model.safetensors');
    const header = readSafetensorsHeader(weights);
    let totalParams = 0;
    for (const [name, shape] of robertaEncoderShapes(config)) {
      const found = header.get(name);
      if (!found) throw new ModelFolderError(`${weights}: tensor "roberta.${name}" is missing (config.json implies shape [${shape.join(', ')}]).`);
      if (found.length !== shape.length || found.some((d, i) => d !== shape[i])) {
        throw new ModelFolderError(`${weights}: tensor "${name}" has shape [${found.join(', ')}] but config.json implies [${shape.join(', ')}].`);
      }
      totalParams += shape.reduce((a, b) => a * b, 1);
    }
    const outProj = header.get('classifier.out_proj.weight');
    const checkpointLabels = outProj ? outProj[0] : null;
    if (outProj) for (const name of ['classifier.dense.weight', 'classifier.dense.bias', 'classifier.out_proj.weight', 'classifier.out_proj.bias']) {
      const shape = header.get(name);
      if (shape) totalParams += shape.reduce((a, b) => a * b, 1);
    }
    const maxPositions = config.max_position_embeddings - config.pad_token_id - 1;
    HfTokenizer.load(abs, { max_length: Math.max(1, maxPositions) });
    return {
      config,
      check: {
        path: abs,
        architecture: config.architecture,
        numLayers: config.num_hidden_layers,
        hiddenSize: config.hidden_size,
        numHeads: config.num_attention_heads,
        vocabSize: config.vocab_size,
        maxPositions,
        totalParams,
        checkpointLabels,
      },
    };
  } catch (err) {
    asUserError(err);
  }
}
