// predict(text) of the reference: ranked (label, probability) lists from an exported model folder.
import type { RankedLabel } from '../../preload/contract-common.ts';
import { Classifier } from '../engine/export/classifier.ts';

/**
 * Ranked labels for each text (best first, `topK` long; default every label), from runDir/model or
 * any export folder; `syntaxRules` overrides whether the syntax rules apply (default: as the export records).
 */
export async function predictTexts(modelDir: string, texts: string[], topK?: number, syntaxRules?: boolean): Promise<RankedLabel[][]> {
  const clf = await Classifier.load(modelDir);
  try {
    return await clf.predict(texts, { topK, syntaxRules });
  } finally {
    await clf.close();
  }
}
