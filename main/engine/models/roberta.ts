// Model family A: a RoBERTa encoder with a sequence-classification head, built as an ONNX graph
// from Hugging Face weights. Matches transformers' RobertaForSequenceClassification (post-LN, erf
// GELU, position ids from the attention mask, dense -> tanh -> out_proj on the first token).
import type { Graph } from '../graph/graph.ts';
import type { Value } from '../graph/value.ts';
import type { RobertaConfig } from '../io/roberta-config.ts';
import { robertaHeadShapes } from '../io/roberta-config.ts';
import { type DropoutFn, type ModelInputs, attend, attentionBias, noDropout, param, transpose2d } from './common.ts';
import { Rng, normalInit } from './init.ts';

/** Which parameters train: the reference freezes the base and unfreezes its last N layers. */
export interface RobertaTraining {
  freeze_base_model: boolean;
  unfreeze_last_n_layers: number;
}

/** Everything needed to build the classifier graph. */
export interface RobertaModelSpec {
  config: RobertaConfig;
  /** Encoder weights under prefix-free HF names, HF layout ([out, in] for Linear weights). */
  encoder: Map<string, Float32Array>;
  /** classifier.* weights; used only when present and sized for `labels`. */
  head: Map<string, Float32Array> | null;
  labels: string[];
  training: RobertaTraining;
  /** Seed for a freshly initialised head. */
  seed?: number;
  /** Build for inference: every parameter becomes a constant stored in the model (export, evaluation). */
  inference?: boolean;
}

/** What the builder returns: logits [batch, labels] and which layers train. */
export interface RobertaOutputs {
  logits: Value;
  /** True for layers whose weights are trainable (embeddings are index -1 in `embeddingsTrainable`). */
  layerTrainable: boolean[];
  embeddingsTrainable: boolean;
  /** Whether the head came from the checkpoint (false: freshly initialised). */
  headLoaded: boolean;
}

/** Names of Linear weights, which the graph stores transposed ([in, out]) so MatMul needs no Transpose. */
export function isLinearWeight(name: string): boolean {
  return /(query|key|value|dense|out_proj)\.weight$/.test(name);
}

/** A fresh classifier head for `numLabels` classes, initialised as transformers does (N(0, 0.02), zero bias). */
export function freshRobertaHead(c: RobertaConfig, numLabels: number, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of robertaHeadShapes(c, numLabels)) {
    const n = shape.reduce((a, b) => a * b, 1);
    out.set(name, name.endsWith('.bias') ? new Float32Array(n) : normalInit(rng, n, 0.02));
  }
  return out;
}

/** Builds the forward graph up to the logits. Parameters are registered with HF names. */
export function buildRoberta(g: Graph, inputs: ModelInputs, spec: RobertaModelSpec, dropout: DropoutFn = noDropout): RobertaOutputs {
  const out = buildPart(g, { embed: inputs, from: 0, to: spec.config.num_hidden_layers, head: true }, spec, dropout);
  return { ...out, logits: out.value };
}

/**
 * How many of the lowest encoder layers are frozen together with the embeddings (0 when the
 * embeddings train): the frozen prefix whose output is the same every epoch for the same file.
 */
export function robertaFrozenPrefixLayers(c: RobertaConfig, t: RobertaTraining): number {
  if (!t.freeze_base_model) return 0;
  return Math.max(0, c.num_hidden_layers - Math.max(0, t.unfreeze_last_n_layers));
}

/**
 * The frozen prefix alone: embeddings and the lowest `layers` encoder layers, without dropout,
 * returning the hidden states [batch, seq, hidden] after layer `layers` - 1. Every parameter is a
 * constant; the spec's training settings must freeze all of them.
 */
export function buildRobertaPrefix(g: Graph, inputs: ModelInputs, spec: RobertaModelSpec, layers: number): Value {
  const frozen = robertaFrozenPrefixLayers(spec.config, spec.training);
  if (layers < 1 || layers > frozen) throw new Error(`buildRobertaPrefix: ${layers} layer(s) asked for, but only ${frozen} are frozen with the embeddings`);
  return buildPart(g, { embed: inputs, from: 0, to: layers, head: false, forwardOnly: true }, spec, noDropout).value;
}

/**
 * The rest of the classifier above a frozen prefix: encoder layers `fromLayer`.. and the head, from
 * the prefix's hidden states and the attention mask. Same parameter and node names as `buildRoberta`.
 */
export function buildRobertaSuffix(g: Graph, inputs: { hidden: Value; attentionMask: Value }, spec: RobertaModelSpec, fromLayer: number,
  dropout: DropoutFn = noDropout): RobertaOutputs {
  const out = buildPart(g, { hidden: inputs.hidden, attentionMask: inputs.attentionMask, from: fromLayer, to: spec.config.num_hidden_layers, head: true },
    spec, dropout);
  return { ...out, logits: out.value };
}

/**
 * Which part of the classifier to build: from the token ids (embed) or from hidden states, layers
 * [from, to), with or without the head; `forwardOnly` for a part no gradient flows through (the
 * frozen prefix), which may use inference-only ops as an inference graph does.
 */
type Part = { from: number; to: number; head: boolean; forwardOnly?: boolean } & ({ embed: ModelInputs } | { hidden: Value; attentionMask: Value });

function buildPart(g: Graph, part: Part, spec: RobertaModelSpec, dropout: DropoutFn): Omit<RobertaOutputs, 'logits'> & { value: Value } {
  const c = spec.config;
  const H = c.hidden_size;
  const L = c.num_hidden_layers;
  const t = spec.training;
  const firstTrainable = t.freeze_base_model ? Math.max(0, L - Math.max(0, t.unfreeze_last_n_layers)) : 0;
  const inf = spec.inference ?? false;
  const layerTrainable = Array.from({ length: L }, (_, i) => !inf && i >= firstTrainable);
  const embeddingsTrainable = !inf && !t.freeze_base_model;
  const pH = c.hidden_dropout_prob;
  const embedInputs = 'embed' in part ? part.embed : null;
  const attentionMask = 'embed' in part ? part.embed.attentionMask : part.attentionMask;

  // Parameters are registered before any scope is entered, so their graph names are exactly the
  // HF checkpoint names (`roberta.encoder.layer.0.attention.self.query.weight`). A part registers
  // only the weights it uses, so a suffix graph holds none of the frozen prefix's.
  const values = new Map<string, Value>();
  const register = (name: string, trainable: boolean): void => {
    const data = spec.encoder.get(name);
    if (!data) throw new Error(`RoBERTa weights lack "${name}"`);
    const full = `roberta.${name}`;
    if (isLinearWeight(name)) {
      // HF stores [out, in]; only the FFN matrices are not square.
      const out = name.endsWith('intermediate.dense.weight') ? c.intermediate_size : H;
      const inn = data.length / out;
      values.set(name, param(g, full, transpose2d(data, out, inn), [inn, out], trainable));
    } else {
      const shape = name.endsWith('embeddings.weight') ? [data.length / H, H] : [data.length];
      values.set(name, param(g, full, data, shape, trainable));
    }
  };
  for (const name of spec.encoder.keys()) {
    const layer = /^encoder\.layer\.(\d+)\./.exec(name);
    if (layer) {
      const i = Number(layer[1]);
      if (i >= part.from && i < part.to) register(name, layerTrainable[i]);
    } else if (embedInputs) {
      register(name, embeddingsTrainable);
    }
  }
  const w = (name: string): Value => values.get(name)!;

  const hidden = g.scope('roberta', () => {
    let x: Value;
    if (embedInputs) {
      x = g.scope('embeddings', () => {
        const words = g.Gather(w('embeddings.word_embeddings.weight'), embedInputs.inputIds, { axis: 0 });
        // RoBERTa numbers real tokens from padding_idx + 1 and gives padding the padding_idx position.
        const pos = g.Add(g.Mul(g.CumSum(embedInputs.attentionMask, 1), embedInputs.attentionMask), c.pad_token_id);
        const positions = g.Gather(w('embeddings.position_embeddings.weight'), pos, { axis: 0 });
        const typeRow = g.Gather(w('embeddings.token_type_embeddings.weight'), g.constant(0, 'int64', []), { axis: 0 });
        const sum = g.Add(g.Add(words, positions), typeRow);
        const ln = g.LayerNormalization(sum, w('embeddings.LayerNorm.weight'), w('embeddings.LayerNorm.bias'), { epsilon: c.layer_norm_eps });
        return dropout(g, ln, pH, 'embeddings');
      });
    } else {
      x = (part as { hidden: Value }).hidden;
    }
    // Inference graphs and the frozen prefix use onnxruntime's fused attention (one kernel for
    // scores, mask, softmax and the weighted sum, without the [batch, heads, seq, seq]
    // intermediates between them); training graphs need the ops autodiff differentiates.
    const fused = inf || part.forwardOnly === true;
    const bias = fused ? null : attentionBias(g, attentionMask);
    const keyPadding = fused ? g.Cast(attentionMask, { to: 'int32' }) : null;
    for (let i = part.from; i < part.to; i++) {
      const p = `encoder.layer.${i}.`;
      x = g.scope(`encoder.layer.${i}`, () => {
        const lin = (inp: Value, name: string) => g.Add(g.MatMul(inp, w(`${p}${name}.weight`)), w(`${p}${name}.bias`));
        // The head reads only the first token of the last layer, and a layer's output at one
        // position depends on the others only through their keys and values. So the last layer
        // under a head computes keys and values for every token, and its query, attention
        // output, residuals and feed-forward for the first token alone: the same logits and
        // gradients for about a sixth of the layer's work (hidden [batch, 1, hidden] from here).
        const firstOnly = part.head && i === L - 1;
        const xq = firstOnly ? g.Slice(x, { starts: [0], ends: [1], axes: [1] }) : x;
        const ctx = g.scope('attention', () => keyPadding
          ? g.MultiHeadAttention(lin(xq, 'attention.self.query'), lin(x, 'attention.self.key'), lin(x, 'attention.self.value'), keyPadding,
            { num_heads: c.num_attention_heads })
          : attend(g, lin(xq, 'attention.self.query'), lin(x, 'attention.self.key'), lin(x, 'attention.self.value'), bias!,
            c.num_attention_heads, H, c.attention_probs_dropout_prob, dropout));
        const attnOut = dropout(g, lin(ctx, 'attention.output.dense'), pH, 'attention_output');
        const h1 = g.LayerNormalization(g.Add(attnOut, xq), w(`${p}attention.output.LayerNorm.weight`),
          w(`${p}attention.output.LayerNorm.bias`), { epsilon: c.layer_norm_eps });
        const inter = g.Gelu(lin(h1, 'intermediate.dense'), { approximate: 'none' });
        const ffn = dropout(g, lin(inter, 'output.dense'), pH, 'output');
        return g.LayerNormalization(g.Add(ffn, h1), w(`${p}output.LayerNorm.weight`), w(`${p}output.LayerNorm.bias`),
          { epsilon: c.layer_norm_eps });
      });
    }
    return x;
  });
  if (!part.head) return { value: hidden, layerTrainable, embeddingsTrainable, headLoaded: false };

  const n = spec.labels.length;
  const loaded = spec.head !== null && spec.head.get('classifier.out_proj.weight')?.length === n * H;
  const head = loaded ? spec.head! : freshRobertaHead(c, n, spec.seed ?? 42);
  const hv = new Map<string, Value>();
  for (const name of ['dense.weight', 'dense.bias', 'out_proj.weight', 'out_proj.bias']) {
    const full = `classifier.${name}`;
    const data = head.get(full)!;
    const out = name.startsWith('dense') ? H : n;
    hv.set(name, name.endsWith('.bias') ? param(g, full, data, [data.length], !inf) : param(g, full, transpose2d(data, out, H), [H, out], !inf));
  }
  const logits = g.scope('classifier', () => {
    const first = g.Squeeze(g.Slice(hidden, { starts: [0], ends: [1], axes: [1] }), { axes: [1] });
    const d = g.Tanh(g.Add(g.MatMul(dropout(g, first, pH, 'classifier_in'), hv.get('dense.weight')!), hv.get('dense.bias')!));
    return g.Add(g.MatMul(dropout(g, d, pH, 'classifier_hidden'), hv.get('out_proj.weight')!), hv.get('out_proj.bias')!);
  });
  return { value: logits, layerTrainable, embeddingsTrainable, headLoaded: loaded };
}

/**
 * Converts trained graph parameters (graph names and layout, as the runner holds them) back to HF
 * layout: the encoder map `buildRoberta` takes and the classifier head, for checkpoints and export.
 */
export function robertaWeightsFromParams(params: ReadonlyMap<string, Float32Array>, c: RobertaConfig, numLabels: number,
  base?: ReadonlyMap<string, Float32Array>): { encoder: Map<string, Float32Array>; head: Map<string, Float32Array> } {
  const H = c.hidden_size;
  const encoder = new Map<string, Float32Array>();
  const head = new Map<string, Float32Array>();
  const names = new Set<string>([...params.keys(), ...[...(base?.keys() ?? [])].map((k) => `roberta.${k}`)]);
  for (const full of names) {
    const isHead = full.startsWith('classifier.');
    const bare = full.startsWith('roberta.') ? full.slice('roberta.'.length) : full;
    // Frozen tensors are not runner state; they come unchanged from the loaded checkpoint.
    const trained = params.get(full);
    const data = trained ?? base?.get(bare);
    if (!data) continue;
    let hf = data;
    if (trained && isLinearWeight(full)) {
      const out = full.endsWith('intermediate.dense.weight') ? c.intermediate_size : full.endsWith('out_proj.weight') ? numLabels : H;
      hf = transpose2d(data, data.length / out, out);
    }
    (isHead ? head : encoder).set(isHead ? full : bare, hf);
  }
  return { encoder, head };
}
