// Writes a standalone inference folder: model.onnx (input_ids + attention_mask in, probabilities and
// logits out, every weight stored inside), the tokenizer, a label map and the manifest. Any ONNX
// Runtime can run model.onnx; the app's Classifier reads the whole folder.
import fs from 'node:fs';
import path from 'node:path';
import { Graph } from '../graph/graph.ts';
import { quantizeLinears } from '../graph/quantize.ts';
import { writeModelWithExternalData } from '../runtime/external-data.ts';
import type { Value } from '../graph/value.ts';
import type { RobertaConfig } from '../io/roberta-config.ts';
import { buildRoberta } from '../models/roberta.ts';
import { type ScratchConfig, type ScratchWeights, buildScratch } from '../models/scratch.ts';
import type { TruncateSide } from '../tokenize/encoded.ts';
import type { SecondLook } from '../tokenize/second-look.ts';
import { EXPORT_FILES, type ExportManifest, type ExportQuantization, PROFILE_INPUT, type TokenizerSpec } from './manifest.ts';

/** How the exported graph computes: float32 throughout (default) or int8 linear layers. */
export interface ExportOptions {
  quantize?: ExportQuantization;
}

/**
 * What to export: a RoBERTa in HF layout with its tokenizer folder, or a from-scratch model; either
 * with `syntax_rules` (export/syntax-rules.ts) applied after its reads, when true.
 */
export type ExportSpec = { syntax_rules?: boolean } & (
  | {
      family: 'roberta';
      config: RobertaConfig;
      encoder: Map<string, Float32Array>;
      head: Map<string, Float32Array>;
      labels: string[];
      /** Folder holding tokenizer.json (and tokenizer_config.json) to copy. */
      tokenizerDir: string;
      max_length: number;
      truncate?: TruncateSide;
    }
  | {
      family: 'scratch';
      config: ScratchConfig;
      weights: ScratchWeights;
      labels: string[];
      truncate?: TruncateSide;
      /** The byte tokenizer's skip_leading_comments setting the model was trained with. */
      skip_leading_comments?: boolean;
      /** The second look classification takes at files the model is unsure of (absent: none). */
      second_look?: SecondLook;
    });

/** Builds the inference graph for a spec (exported so tests can compare it with the training graph). */
export function buildInferenceGraph(spec: ExportSpec, o: ExportOptions = {}): Graph {
  const g = new Graph({ name: `langlab-${spec.family}-classifier` });
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const profile = spec.family === 'scratch' && spec.config.profile_buckets > 0 ? g.input(PROFILE_INPUT, 'float32', ['batch', spec.config.profile_buckets]) : undefined;
  let logits: Value;
  if (spec.family === 'roberta') {
    logits = buildRoberta(g, { inputIds, attentionMask }, {
      config: spec.config, encoder: spec.encoder, head: spec.head, labels: spec.labels,
      training: { freeze_base_model: true, unfreeze_last_n_layers: 0 }, inference: true,
    }).logits;
  } else {
    logits = buildScratch(g, { inputIds, attentionMask, profile }, { config: spec.config, weights: spec.weights, inference: true });
  }
  g.output(g.Softmax(logits, { axis: -1 }), 'probabilities');
  g.output(logits, 'logits');
  if (o.quantize === 'int8') quantizeLinears(g);
  return g;
}

/** Writes the export folder and returns its manifest. */
export function exportClassifier(dir: string, spec: ExportSpec, o: ExportOptions = {}): ExportManifest {
  if (o.quantize !== undefined && o.quantize !== 'int8') throw new Error(`export quantize "${String(o.quantize)}" is unknown (expected int8, or none for float32)`);
  fs.mkdirSync(dir, { recursive: true });
  const tokenizer: TokenizerSpec = spec.family === 'roberta'
    ? { type: 'hf', max_length: spec.max_length, truncate: spec.truncate ?? 'head' }
    : {
        type: 'bytes', max_length: spec.config.max_length, truncate: spec.truncate ?? 'head', add_special_tokens: false, skip_leading_comments: spec.skip_leading_comments ?? false,
        ...(spec.config.profile_buckets > 0 ? { profile_buckets: spec.config.profile_buckets, profile_bytes: spec.config.profile_bytes } : {}),
      };
  const manifest: ExportManifest = {
    format: 'langlab-classifier', version: 1, family: spec.family, labels: spec.labels, tokenizer,
    inputs: tokenizer.type === 'bytes' && tokenizer.profile_buckets ? ['input_ids', 'attention_mask', PROFILE_INPUT] : ['input_ids', 'attention_mask'], outputs: ['probabilities', 'logits'], created_at: new Date().toISOString(),
    ...(o.quantize ? { quantize: o.quantize } : {}),
    ...(spec.family === 'scratch' && spec.second_look ? { second_look: spec.second_look } : {}),
    ...(spec.syntax_rules ? { syntax_rules: true } : {}),
  };
  const g = buildInferenceGraph(spec, o);
  // Weights of 1 MiB or more go to model.onnx.data beside it: a session created from the path maps
  // them rather than copying them (a fine-tuned RoBERTa's 330 MB), and protobuf's 2 GB limit is moot.
  writeModelWithExternalData(path.join(dir, EXPORT_FILES.model), g, { metadata: { labels: JSON.stringify(spec.labels), langlab: JSON.stringify(tokenizer) } });
  if (spec.family === 'roberta') {
    for (const f of [EXPORT_FILES.tokenizer, EXPORT_FILES.tokenizerConfig]) {
      const src = path.join(spec.tokenizerDir, f);
      if (fs.existsSync(src)) fs.copyFileSync(src, path.join(dir, f));
      else if (f === EXPORT_FILES.tokenizer) throw new Error(`${src} is missing: the export needs the tokenizer the model was trained with`);
    }
  }
  const id2label = Object.fromEntries(spec.labels.map((l, i) => [String(i), l]));
  const label2id = Object.fromEntries(spec.labels.map((l, i) => [l, i]));
  fs.writeFileSync(path.join(dir, EXPORT_FILES.labels), JSON.stringify({ id2label, label2id }, null, 2));
  fs.writeFileSync(path.join(dir, EXPORT_FILES.manifest), JSON.stringify(manifest, null, 2));
  return manifest;
}
