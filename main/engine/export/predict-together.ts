// Several exported models over the same texts (a job comparing two runs): the texts are cut into
// the same length-ordered batches once, and each batch is tokenized once per distinct tokenizer,
// so two models sharing a tokenizer share its encoding and only their sessions run apart.
import type { EncodedBatch } from '../tokenize/encoded.ts';
import { type Classifier, type LabelScore, lengthOrder } from './classifier.ts';

/** Ranked lists per model, in the order of `models`, each in input order: `[model][text][rank]`. */
export async function predictTogether(
  models: readonly Classifier[],
  texts: string[],
  o: { topK?: number; batchSize?: number; lengthBuckets?: boolean } = {},
): Promise<LabelScore[][][]> {
  const batchSize = o.batchSize ?? 16;
  const order = o.lengthBuckets === false ? texts.map((_, i) => i) : lengthOrder(texts);
  const probs = models.map(() => new Array<Float32Array>(texts.length));
  for (let i = 0; i < order.length; i += batchSize) {
    const rows = order.slice(i, i + batchSize);
    const batchTexts = rows.map((k) => texts[k]);
    const encoded = new Map<string, EncodedBatch>();
    for (const [m, model] of models.entries()) {
      let enc = encoded.get(model.tokenizerKey);
      if (!enc) {
        const t0 = performance.now();
        enc = model.tokenizer.encode(batchTexts, 'longest');
        model.timing.tokenizeMs += performance.now() - t0;
        encoded.set(model.tokenizerKey, enc);
      }
      const p = await model.runEncoded(enc);
      const n = model.labels.length;
      for (let b = 0; b < rows.length; b++) probs[m][rows[b]] = p.slice(b * n, (b + 1) * n);
    }
  }
  // Each model takes its own second look (which files it is unsure of is its own) and applies its own syntax rules.
  for (const [m, model] of models.entries()) await model.afterFirstRead(texts, probs[m], batchSize);
  return models.map((model, m) => probs[m].map((p) => model.ranked(p, o.topK)));
}
