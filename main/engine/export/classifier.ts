// Loads an export folder and classifies texts: folder -> predict(texts) -> ranked (label, probability)
// lists. This is what batch classification and `predict(text)` use; it needs only onnxruntime.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ByteTokenizer } from '../tokenize/bytes.ts';
import { type EncodedBatch, type TextTokenizer, TRUNCATE_SIDES } from '../tokenize/encoded.ts';
import { HfTokenizer } from '../tokenize/hf-tokenizer.ts';
import { type SecondLook, applySecondLook } from '../tokenize/second-look.ts';
import { EXPORT_FILES, type ExportManifest, PROFILE_INPUT, type TokenizerSpec } from './manifest.ts';
import { applySyntaxRules } from './syntax-rules.ts';

/** One ranked prediction. */
export interface LabelScore {
  label: string;
  probability: number;
}

function validSecondLook(l: SecondLook): boolean {
  return typeof l === 'object' && l !== null && typeof l.below === 'number' && l.below > 0 && l.below <= 1
    && Number.isInteger(l.windows) && l.windows >= 1 && l.windows <= 64 && typeof l.base_weight === 'number' && l.base_weight > 0 && Number.isFinite(l.base_weight);
}

/** Session settings: threads (default: onnxruntime's choice), graph optimisation (default: all) and execution providers. */
export interface ClassifierOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionProviders?: string[];
}

/** Overrides of what an export records about the reads after the first (default: as recorded). */
export interface ReadOptions {
  secondLook?: boolean;
  syntaxRules?: boolean;
}

/** A loaded classifier; call close() to release the session. */
export class Classifier {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly manifest: ExportManifest,
    readonly tokenizer: TextTokenizer,
    /** Equal for two models whose tokenizers give the same ids for every text (same settings, same vocabulary file), so one encoding can feed both. */
    readonly tokenizerKey: string,
  ) {}

  get labels(): string[] {
    return this.manifest.labels;
  }

  /** Reads an export folder written by exportClassifier. */
  static async load(dir: string, o: ClassifierOptions = {}): Promise<Classifier> {
    const mFile = path.join(dir, EXPORT_FILES.manifest);
    if (!fs.existsSync(mFile)) throw new Error(`${mFile} is missing: ${dir} is not an exported Langlab model folder`);
    let manifest: ExportManifest;
    try {
      manifest = JSON.parse(fs.readFileSync(mFile, 'utf8')) as ExportManifest;
    } catch (err) {
      throw new Error(`${mFile}: not valid JSON (${(err as Error).message}); export the model again`);
    }
    if (typeof manifest !== 'object' || manifest === null) throw new Error(`${mFile}: not a JSON object; export the model again`);
    if (manifest.format !== 'langlab-classifier' || manifest.version !== 1) {
      throw new Error(`${mFile}: unsupported format ${manifest.format} version ${manifest.version}`);
    }
    if (manifest.quantize !== undefined && manifest.quantize !== 'int8') {
      throw new Error(`${mFile}: quantize "${String(manifest.quantize)}" is unknown (expected int8 or absent); export the model again with this version`);
    }
    const t = manifest.tokenizer;
    if (!(TRUNCATE_SIDES as readonly string[]).includes(t?.truncate)) {
      throw new Error(`${mFile}: the tokenizer's truncate setting "${String(t?.truncate)}" is unknown (expected one of ${TRUNCATE_SIDES.join(', ')}); export the model again with this version`);
    }
    const look = manifest.second_look;
    if (look !== undefined && !(t.type === 'bytes' && validSecondLook(look))) {
      throw new Error(`${mFile}: second_look ${JSON.stringify(look)} is not valid (a byte model's below in (0, 1], whole windows from 1 to 64, base_weight above 0); export the model again with this version`);
    }
    if (manifest.syntax_rules !== undefined && typeof manifest.syntax_rules !== 'boolean') {
      throw new Error(`${mFile}: syntax_rules ${JSON.stringify(manifest.syntax_rules)} is not true or false; export the model again with this version`);
    }
    const tokenizer: TextTokenizer = t.type === 'bytes'
      ? new ByteTokenizer({ max_length: t.max_length, truncate: t.truncate, add_special_tokens: t.add_special_tokens, skip_leading_comments: t.skip_leading_comments,
        profile_buckets: t.profile_buckets, profile_bytes: t.profile_bytes })
      : HfTokenizer.load(dir, { max_length: t.max_length, truncate: t.truncate });
    const modelFile = path.join(dir, EXPORT_FILES.model);
    if (!fs.existsSync(modelFile)) throw new Error(`${modelFile} is missing: export the model again`);
    const session = await ort.InferenceSession.create(modelFile, {
      // onnxruntime-node rejects an intraOpNumThreads key whose value is undefined.
      ...(o.intraOpNumThreads ? { intraOpNumThreads: o.intraOpNumThreads } : {}),
      ...(o.interOpNumThreads ? { interOpNumThreads: o.interOpNumThreads } : {}),
      executionProviders: o.executionProviders ?? ['cpu'],
      graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
    });
    return new Classifier(session, manifest, tokenizer, tokenizerKeyOf(dir, t));
  }

  /** Milliseconds spent tokenizing and in session.run since load (the classify benchmark prints them). */
  readonly timing = { tokenizeMs: 0, runMs: 0 };

  /**
   * Class probabilities [texts.length][labels] in input order. Rows are batched by length
   * (`lengthBuckets`, on by default): texts are sorted by length before they are cut into batches,
   * so each batch pads to its own longest row and short files are not padded to a long neighbour.
   * `secondLook: false` gives the head-and-tail read alone, even where the model records a second look;
   * `syntaxRules` applies the syntax rules (true) or not (false) whatever the model records.
   */
  async probabilities(texts: string[], batchSize = 16, o: ReadOptions & { lengthBuckets?: boolean } = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    const order = o.lengthBuckets === false ? texts.map((_, i) => i) : lengthOrder(texts);
    const n = this.labels.length;
    for (let i = 0; i < order.length; i += batchSize) {
      const rows = order.slice(i, i + batchSize);
      const t0 = performance.now();
      // Padding to the batch's longest row keeps short files cheap; results do not depend on it.
      const enc = this.tokenizer.encode(rows.map((k) => texts[k]), 'longest');
      this.timing.tokenizeMs += performance.now() - t0;
      const p = await this.runEncoded(enc);
      for (let b = 0; b < enc.batch; b++) out[rows[b]] = p.slice(b * n, (b + 1) * n);
    }
    await this.afterFirstRead(texts, out, batchSize, o);
    return out;
  }

  /**
   * What follows the head-and-tail read of `texts` (`probs`, replaced in place): the second look,
   * then the syntax rules (export/syntax-rules.ts), each where the model records it or `o` asks.
   */
  async afterFirstRead(texts: readonly string[], probs: Float32Array[], batchSize = 16, o: ReadOptions = {}): Promise<void> {
    if (o.secondLook !== false) await this.secondLook(texts, probs, batchSize);
    if (o.syntaxRules ?? (this.manifest.syntax_rules === true)) await applySyntaxRules(this.labels, probs, (rows) => rows.map((r) => texts[r]));
  }

  /**
   * Where the model records a second look (a byte model), replaces the probabilities of the files it
   * is unsure of by the combination of their head-and-tail read (`probs`) and windows spread over
   * them (tokenize/second-look.ts). Returns how many files got one.
   */
  async secondLook(texts: readonly string[], probs: Float32Array[], batchSize = 16): Promise<number> {
    const look = this.manifest.second_look;
    const tok = this.tokenizer;
    if (!look || !(tok instanceof ByteTokenizer)) return 0;
    const n = this.labels.length;
    const looked = await applySecondLook(probs, look, (files) => files.map((file) => tok.windowIds(texts[file], look.windows).map((ids) => ({ ids, file }))), async (rows) => {
      const scored: Float32Array[] = [];
      for (let i = 0; i < rows.length; i += batchSize) {
        const part = rows.slice(i, i + batchSize);
        const t0 = performance.now();
        const enc = tok.encodeRows(part.map((r) => r.ids), part.map((r) => texts[r.file]), 'longest');
        this.timing.tokenizeMs += performance.now() - t0;
        const p = await this.runEncoded(enc);
        for (let b = 0; b < enc.batch; b++) scored.push(p.slice(b * n, (b + 1) * n));
      }
      return scored;
    });
    return looked.length;
  }

  /** Probabilities of an already tokenized batch, row-major [batch, labels] (two models with one tokenizer share the encoding). */
  async runEncoded(enc: EncodedBatch): Promise<Float32Array> {
    const t1 = performance.now();
    const dims = [enc.batch, enc.seqLen];
    const r = await this.session.run({
      input_ids: new ort.Tensor('int64', enc.inputIds, dims),
      attention_mask: new ort.Tensor('int64', enc.attentionMask, dims),
      ...(enc.profile ? { [PROFILE_INPUT]: new ort.Tensor('float32', enc.profile, [enc.batch, enc.profile.length / enc.batch]) } : {}),
    }, ['probabilities']);
    this.timing.runMs += performance.now() - t1;
    return r.probabilities.data as Float32Array;
  }

  /** Ranked (label, probability) lists, best first, `topK` long (default: every label). */
  async predict(texts: string[], o: { topK?: number; batchSize?: number; lengthBuckets?: boolean; syntaxRules?: boolean } = {}): Promise<LabelScore[][]> {
    const probs = await this.probabilities(texts, o.batchSize, { lengthBuckets: o.lengthBuckets, syntaxRules: o.syntaxRules });
    return probs.map((p) => this.ranked(p, o.topK));
  }

  /** One row's probabilities as (label, probability) pairs, best first, `topK` long (default: every label). */
  ranked(p: Float32Array, topK = this.labels.length): LabelScore[] {
    return Array.from(p, (probability, i) => ({ label: this.labels[i], probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, topK);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** What decides a tokenizer's ids: its manifest settings and, for a Hugging Face tokenizer, its files' bytes. */
function tokenizerKeyOf(dir: string, spec: TokenizerSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(spec));
  if (spec.type === 'hf') {
    for (const name of [EXPORT_FILES.tokenizer, EXPORT_FILES.tokenizerConfig]) {
      const file = path.join(dir, name);
      hash.update(`\n${name}\n`).update(fs.existsSync(file) ? fs.readFileSync(file) : '');
    }
  }
  return hash.digest('hex');
}

/**
 * The indices of `texts` sorted by length (UTF-16 units, a stand-in for the tokenized length that
 * costs nothing to read), stable, so batches cut from this order hold texts of similar length.
 */
export function lengthOrder(texts: readonly string[]): number[] {
  return texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length || a - b);
}
