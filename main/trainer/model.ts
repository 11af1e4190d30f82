// Turns a run's model choice into what the loop drives: a tokenizer, the training-step graph (with
// dropout masks as inputs), a dropout-free evaluation graph that takes the trainable weights as
// inputs (so validation reuses one session whatever the weights), and the export of any weights.
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import type { ModelSpec } from '../../preload/contract-common.ts';
import type { Hyperparameters } from '../../preload/hyperparameters.ts';
import type { ExportSpec } from '../engine/export/export-classifier.ts';
import { Graph, type Target } from '../engine/graph/graph.ts';
import { softmaxCrossEntropy } from '../engine/graph/nn.ts';
import { toOnnx } from '../engine/graph/serialize.ts';
import { PROFILE_INPUT } from '../engine/export/manifest.ts';
import type { FileProfile } from '../engine/tokenize/file-profile.ts';
import type { Value } from '../engine/graph/value.ts';
import { type HfRobertaFolder, loadHfRoberta } from '../engine/io/hf-folder.ts';
import type { RobertaConfig } from '../engine/io/roberta-config.ts';
import { type DropoutFn, type ModelInputs, noDropout } from '../engine/models/common.ts';
import { DropoutInputs } from '../engine/models/dropout-inputs.ts';
import { buildRoberta, buildRobertaPrefix, buildRobertaSuffix, robertaFrozenPrefixLayers, robertaWeightsFromParams } from '../engine/models/roberta.ts';
import { DEFAULT_PROFILE_BYTES, type ScratchConfig, buildScratch, initScratchWeights, ngramSlots, scratchConfig, scratchWeightsFromParams } from '../engine/models/scratch.ts';
import { type TrainStep, buildTrainStep } from '../engine/optim/train-step.ts';
import { ByteTokenizer } from '../engine/tokenize/bytes.ts';
import type { TruncateSide } from '../engine/tokenize/encoded.ts';
import { type SecondLook, secondLookFor } from '../engine/tokenize/second-look.ts';
import { type FrozenPrefix, PREFIX_INPUT, type PrefixDtype } from './frozen-prefix.ts';

/**
 * Which bytes of a long file the from-scratch model reads: the first and the last half-window.
 * Headers (licence comments, imports) and endings (closing tags, module exports) are each telling,
 * and together they rarely look alike across languages (README: "Scratch defaults").
 */
export const SCRATCH_TRUNCATE: TruncateSide = 'head_tail';
/**
 * The from-scratch model's window starts after the file's leading comment blocks: most Java and
 * Groovy files of the benchmark open with the same ~800-byte Apache licence, longer than the window.
 */
export const SCRATCH_SKIP_LEADING_COMMENTS = true;
/** Random training windows (`random_windows`) are drawn from at most this many bytes at each end of a file. */
export const WINDOW_SOURCE_BYTES = 4096;
/** The pretrained family reads the head, as the reference script's tokenizer call did. */
export const PRETRAINED_TRUNCATE: TruncateSide = 'head';

/** A tokenizer reduced to what the trainer needs. */
export interface RunTokenizer {
  tokenize(text: string): number[];
  /** The longer id sequence random training windows are drawn from (byte tokenizer only). */
  source?(text: string): Int32Array;
  /** The file's n-gram profile, when the model reads one (byte tokenizer only). */
  profile?(text: string): FileProfile;
  /**
   * The second look the test report and the export take at files the model is unsure of, and the
   * windows it reads from a file (byte tokenizer with `second_look_windows`; tokenize/second-look.ts).
   */
  secondLook?: { look: SecondLook; windows(text: string): number[][] };
  padId: number;
  maxLength: number;
  truncate: TruncateSide;
}

/** Everything the training loop needs from a model family. */
export interface TrainableModel {
  family: 'scratch' | 'roberta';
  trainStep: TrainStep;
  dropout: DropoutInputs;
  /** Forward graph without dropout: inputs input_ids, attention_mask and every trainable parameter; output logits. */
  /**
   * Builds and serialises the evaluation graph (every frozen weight inside, about 330 MB for
   * CodeBERTa-small), so the bytes live only while a session is made from them.
   */
  evalModel(): Uint8Array;
  /** The evaluation graph's inputs that carry trainable weights (the same for the cached suffix's evaluation graph). */
  evalParams: { name: string; shape: number[] }[];
  trainableParams: number;
  totalParams: number;
  /** The export spec for trained parameters (runner layout, by graph name). */
  exportSpec(params: ReadonlyMap<string, Float32Array>): ExportSpec;
  /**
   * Set when the frozen embeddings and lowest layers are computed once per file and cached
   * (`cache_frozen_layers`): `trainStep` then starts from their output (batch input
   * `prefix_hidden` with `attention_mask`, `labels` and the upper layers' dropout masks).
   */
  prefix: FrozenPrefix | null;
  /**
   * Batch inputs the training step needs beyond ids, mask, labels and dropout masks, computed from
   * the batch's padded ids (the sparse n-gram path's row index and slots); null when there are none.
   */
  extraFeeds: ((inputIds: ort.Tensor) => Record<string, ort.Tensor>) | null;
  /** Buckets of the file profile both graphs read as `file_profile` (0: none). */
  profileBuckets: number;
  /** Share of training rows whose byte ids are folded to lower case (`lowercase_share`; byte models only, 0 for RoBERTa). */
  lowercaseShare: number;
  /** Share of training rows cut to a few whole lines of their file (`snippet_share`; byte models only, 0 for RoBERTa). */
  snippetShare: number;
  /** Share of training rows whose indentation is rewritten, tabs as spaces or spaces as tabs (`reindent_share`; byte models only, 0 for RoBERTa). */
  reindentShare: number;
  /** Ids a training row may hold (`max_length`): a row that grows when it is rewritten is cut there. */
  maxLength: number;
}


/** A model choice with its tokenizer loaded; `build` needs the label list, known after reading the data. */
export interface PreparedModel {
  tokenizer: RunTokenizer;
  /**
   * Builds the training and evaluation graphs. Target 'webgpu' keeps every update inside the graph;
   * `mixedPrecision` makes the training step compute in float16 (evaluation stays float32).
   */
  build(labels: string[], how?: BuildOptions): TrainableModel;
}

export interface BuildOptions {
  target?: Target;
  mixedPrecision?: boolean;
  /** How cached prefix outputs are stored when `cache_frozen_layers` applies (default float16). */
  prefixDtype?: PrefixDtype;
}

/** Loads the tokenizer (and, for a pretrained folder, its weights) for a model spec. */
export function prepareModel(spec: ModelSpec, hp: Hyperparameters): PreparedModel {
  if (spec.kind === 'scratch') {
    const tok = new ByteTokenizer({
      max_length: hp.max_length, truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS,
      ...(hp.profile_buckets > 0 ? { profile_buckets: hp.profile_buckets, profile_bytes: DEFAULT_PROFILE_BYTES } : {}),
    });
    const look = secondLookFor(hp.second_look_windows);
    return {
      tokenizer: {
        tokenize: (t) => tok.ids(t),
        ...(hp.random_windows ? { source: (t: string) => tok.sourceIds(t, WINDOW_SOURCE_BYTES) } : {}),
        ...(hp.profile_buckets > 0 ? { profile: (t: string) => tok.profile(t) } : {}),
        ...(look ? { secondLook: { look, windows: (t: string) => tok.windowIds(t, look.windows) } } : {}),
        padId: tok.padId,
        maxLength: tok.maxLength,
        truncate: tok.truncate,
      },
      build: (labels, how = {}) => buildScratchModel(hp, labels, how),
    };
  }
  const folder = loadHfRoberta(spec.path, { max_length: hp.max_length, truncate: PRETRAINED_TRUNCATE });
  const tok = folder.tokenizer;
  return {
    tokenizer: { tokenize: (t) => tok.ids(t), padId: tok.padId, maxLength: tok.maxLength, truncate: tok.truncate },
    build: (labels, how = {}) => buildRobertaModel(folder, spec.path, hp, labels, how),
  };
}

type Forward = (g: Graph, inputs: ModelInputs, dropout?: DropoutFn) => Value;

/** A graph's batch inputs: ids and mask, and the file profile when the model reads one. */
function declareInputs(g: Graph, profileBuckets: number): ModelInputs {
  return {
    inputIds: g.input('input_ids', 'int64', ['batch', 'seq']),
    attentionMask: g.input('attention_mask', 'int64', ['batch', 'seq']),
    ...(profileBuckets > 0 ? { profile: g.input(PROFILE_INPUT, 'float32', ['batch', profileBuckets]) } : {}),
  };
}

/** The training graph's forward part: it declares its own batch inputs and returns the logits. */
type TrainForward = (g: Graph, dropout: DropoutFn) => Value;

function assemble(family: 'scratch' | 'roberta', forward: Forward, hp: Hyperparameters,
  exportSpec: TrainableModel['exportSpec'], { target = 'cpu', mixedPrecision = false }: BuildOptions,
  custom?: { trainForward: TrainForward; prefix?: FrozenPrefix; extraFeeds?: TrainableModel['extraFeeds'] }, profileBuckets = 0): TrainableModel {
  const g = new Graph({ name: `langlab-${family}-train`, target });
  const drop = new DropoutInputs();
  const logits = custom ? custom.trainForward(g, drop.fn) : forward(g, declareInputs(g, profileBuckets), drop.fn);
  const loss = softmaxCrossEntropy(g, logits, g.input('labels', 'int64', ['batch']), { smoothing: hp.label_smoothing });
  const trainableParams = g.params.filter((p) => p.trainable).reduce((n, p) => n + p.data.length, 0);
  const trainStep = buildTrainStep(g, {
    loss, outputs: { logits },
    adamw: { weightDecay: hp.weight_decay },
    maxGradNorm: hp.max_grad_norm,
    accumulation: hp.gradient_accumulation_steps > 1,
    // A GPU keeps state on the device only for updates inside the graph; the CPU updates very large
    // tensors faster as a plain loop (DESIGN.md).
    ...(target === 'webgpu' ? { outsideThreshold: Infinity } : {}),
    mixedPrecision,
  });

  const evalGraph = () => {
    const e = new Graph({ name: `langlab-${family}-eval` });
    e.output(forward(e, declareInputs(e, profileBuckets)), 'logits');
    return e;
  };
  const e = evalGraph();
  const evalParams = e.params.filter((p) => p.trainable).map((p) => ({ name: p.name, shape: [...p.shape] }));
  // The evaluation graph holds every parameter, frozen ones included, whatever the training graph holds.
  const totalParams = e.params.reduce((n, p) => n + p.data.length, 0);
  return {
    family, trainStep, dropout: drop, evalModel: () => toOnnx(evalGraph()), evalParams, trainableParams, totalParams, exportSpec, prefix: custom?.prefix ?? null,
    extraFeeds: custom?.extraFeeds ?? null, profileBuckets,
    // Folding works on byte ids (A-Z are 65-90); a RoBERTa vocabulary has no such mapping.
    lowercaseShare: family === 'scratch' ? hp.lowercase_share : 0,
    // Lines are cut at byte 10; a RoBERTa row holds subword ids.
    snippetShare: family === 'scratch' ? hp.snippet_share : 0,
    // Tabs and spaces are bytes 9 and 32 only in a byte model's rows.
    reindentShare: family === 'scratch' ? hp.reindent_share : 0,
    maxLength: hp.max_length,
  };
}

/** The from-scratch model's config for a run's hyperparameters. */
export function scratchConfigFor(hp: Hyperparameters, numLabels: number): ScratchConfig {
  return scratchConfig(numLabels, {
    d_model: hp.d_model, num_layers: hp.num_layers, num_heads: hp.num_heads,
    dim_feedforward: hp.dim_feedforward, dropout: hp.dropout, attention_dropout: hp.attention_dropout, max_length: hp.max_length,
    pooling: hp.max_pooling ? 'mean_max' : 'mean', ngram_buckets: hp.ngram_buckets, profile_buckets: hp.profile_buckets,
  });
}

/** What a from-scratch run exports from its trained parameters (the run's export and its int8 export alike). */
export function scratchExportSpec(hp: Hyperparameters, config: ScratchConfig, params: ReadonlyMap<string, Float32Array>, labels: string[]): ExportSpec {
  const look = secondLookFor(hp.second_look_windows);
  return {
    family: 'scratch', config, weights: scratchWeightsFromParams(params, config), labels, truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS,
    ...(look ? { second_look: look } : {}),
    ...(hp.syntax_rules ? { syntax_rules: true } : {}),
  };
}

function buildScratchModel(hp: Hyperparameters, labels: string[], how: BuildOptions): TrainableModel {
  const config = scratchConfigFor(hp, labels.length);
  const weights = initScratchWeights(config, hp.seed);
  const forward: Forward = (g, inputs, dropout) => buildScratch(g, inputs, { config, weights }, dropout);
  const profile = config.profile_buckets;
  const exportSpec: TrainableModel['exportSpec'] = (params) => scratchExportSpec(hp, config, params, labels);
  // On the CPU in float32 without accumulation, a step reads and updates only the n-gram rows its
  // batch uses; otherwise (GPU, mixed precision, accumulation) the graph reads the whole table.
  const sparse = config.ngram_buckets > 0 && (how.target ?? 'cpu') === 'cpu' && !how.mixedPrecision && hp.gradient_accumulation_steps === 1;
  if (!sparse) return assemble('scratch', forward, hp, exportSpec, how, undefined, profile);
  const trainForward: TrainForward = (g, dropout) => {
    const inputs = declareInputs(g, profile);
    const sparseNgrams = { index: g.input(NGRAM_INDEX, 'int64', ['ngram_rows']), slots: g.input(NGRAM_SLOTS, 'int64', ['batch', 'seq', config.ngram_orders.length]) };
    return buildScratch(g, inputs, { config, weights, sparseNgrams }, dropout);
  };
  const extraFeeds = (inputIds: ort.Tensor): Record<string, ort.Tensor> => {
    const [batch, seq] = inputIds.dims as [number, number];
    const { index, slots } = ngramSlots(inputIds.data as BigInt64Array, batch, seq, config);
    return { [NGRAM_INDEX]: new ort.Tensor('int64', index, [index.length]), [NGRAM_SLOTS]: new ort.Tensor('int64', slots, [batch, seq, config.ngram_orders.length]) };
  };
  return assemble('scratch', forward, hp, exportSpec, how, { trainForward, extraFeeds }, profile);
}

/** The sparse n-gram path's batch inputs: the table rows the batch reads, and which one each position and order reads. */
const NGRAM_INDEX = 'ngram_index';
const NGRAM_SLOTS = 'ngram_slots';

function buildRobertaModel(folder: HfRobertaFolder, dir: string, hp: Hyperparameters, labels: string[], how: BuildOptions): TrainableModel {
  // The run's dropout replaces the checkpoint's, as the reference's `dropout` setting did.
  const config: RobertaConfig = { ...folder.config, hidden_dropout_prob: hp.dropout, attention_probs_dropout_prob: hp.attention_dropout };
  const training = { freeze_base_model: hp.freeze_base_model, unfreeze_last_n_layers: hp.unfreeze_last_n_layers };
  const spec = { config, encoder: folder.encoder, head: folder.head, labels, training, seed: hp.seed };
  const exportSpec: TrainableModel['exportSpec'] = (params) => {
    const { encoder, head } = robertaWeightsFromParams(params, config, labels.length, folder.encoder);
    return { family: 'roberta', config, encoder, head, labels, tokenizerDir: dir, max_length: hp.max_length, truncate: PRETRAINED_TRUNCATE, ...(hp.syntax_rules ? { syntax_rules: true } : {}) };
  };
  const forward: Forward = (g, inputs, dropout) => buildRoberta(g, inputs, spec, dropout).logits;
  const layers = robertaFrozenPrefixLayers(config, training);
  // The cache serves the CPU's float32 graph; a GPU graph (device-resident state, float16 compute) recomputes the prefix.
  const cpu = (how.target ?? 'cpu') === 'cpu' && !how.mixedPrecision;
  if (!hp.cache_frozen_layers || layers < 1 || !cpu) return assemble('roberta', forward, hp, exportSpec, how);

  const dtype = how.prefixDtype ?? 'float16';
  const H = config.hidden_size;
  const prefixGraph = (): Graph => {
    const p = new Graph({ name: 'langlab-roberta-prefix' });
    const hidden = buildRobertaPrefix(p, { inputIds: p.input('input_ids', 'int64', ['batch', 'seq']), attentionMask: p.input('attention_mask', 'int64', ['batch', 'seq']) },
      spec, layers);
    p.output(dtype === 'float16' ? p.Cast(hidden, { to: 'float16' }) : hidden, PREFIX_INPUT);
    return p;
  };
  const p = prefixGraph();
  const hash = createHash('sha256');
  // Dropout never runs in the prefix, so the run's dropout settings are left out of what it depends on.
  hash.update(JSON.stringify({ format: 1, dtype, layers, config: { ...folder.config, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 } }));
  for (const q of p.params) {
    hash.update(`${q.name}[${q.shape.join(',')}]`);
    hash.update(new Uint8Array(q.data.buffer, q.data.byteOffset, q.data.byteLength));
  }
  const trainForward: TrainForward = (g, dropout) => {
    const cached = g.input(PREFIX_INPUT, dtype, ['batch', 'seq', H]);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    const x = dtype === 'float16' ? g.Cast(cached, { to: 'float32' }) : cached;
    return buildRobertaSuffix(g, { hidden: x, attentionMask }, spec, layers, dropout).logits;
  };
  const suffixEval = () => {
    const e = new Graph({ name: 'langlab-roberta-suffix-eval' });
    e.output(trainForward(e, noDropout), 'logits');
    return toOnnx(e);
  };
  const prefix: FrozenPrefix = { layers, hidden: H, dtype, model: () => toOnnx(prefixGraph()), evalSuffix: suffixEval, fingerprint: hash.digest('hex') };
  return assemble('roberta', forward, hp, exportSpec, how, { trainForward, prefix });
}
