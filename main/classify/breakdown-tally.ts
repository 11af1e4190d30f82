import type { ClassificationBreakdownRow, ClassifiedFileInfo, ClassifyJobProgress } from '../../preload/contract.ts';
import { isUnknown } from './threshold.ts';

/**
 * A running classification job's language breakdown, counted as its batches come, so its progress
 * events carry what the job's page shows (the same figures `getJobDetail` reads from the store,
 * at the same threshold: a file below it is unknown, in no language and no disagreement).
 */
export class BreakdownTally {
  readonly #byLabel = new Map<string, ClassificationBreakdownRow>();
  #withExtensionLabel = 0;
  #withOtherLanguage = 0;
  readonly #unknown = { files: 0, bytes: 0 };

  constructor(private readonly threshold = 0) {}

  add(rows: readonly Pick<ClassifiedFileInfo, 'label' | 'size' | 'extensionLabel' | 'extensionLanguage' | 'confidence'>[]): void {
    for (const r of rows) {
      if (isUnknown(r.confidence, this.threshold)) {
        this.#unknown.files++;
        this.#unknown.bytes += r.size;
        continue;
      }
      let row = this.#byLabel.get(r.label);
      if (!row) this.#byLabel.set(r.label, (row = { label: r.label, files: 0, bytes: 0, disagree: 0 }));
      row.files++;
      row.bytes += r.size;
      if (r.extensionLanguage !== null) this.#withOtherLanguage++;
      if (r.extensionLabel !== null) {
        this.#withExtensionLabel++;
        if (r.extensionLabel !== r.label) row.disagree++;
      }
    }
  }

  /** Most files first, then by label, as the store orders them. */
  snapshot(): Pick<ClassifyJobProgress, 'breakdown' | 'withExtensionLabel' | 'withOtherLanguage' | 'disagreements' | 'unknown'> {
    const breakdown = [...this.#byLabel.values()].map((r) => ({ ...r })).sort((a, b) => b.files - a.files || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return { breakdown, withExtensionLabel: this.#withExtensionLabel, withOtherLanguage: this.#withOtherLanguage, disagreements: breakdown.reduce((n, b) => n + b.disagree, 0), unknown: { ...this.#unknown } };
  }
}
