import { HYPERPARAMETERS } from '../../../preload/hyperparameters.ts';

const LABELS = new Map<string, string>(HYPERPARAMETERS.map((spec) => [spec.key, spec.label]));

/**
 * What a page calls a stored run parameter: the New Run form's label for a hyperparameter, else the
 * key in words (`dataset_name` -> "Dataset name"). The key itself stays in the row's tooltip, for
 * the command line's flags.
 */
export function paramLabel(key: string): string {
  const known = LABELS.get(key);
  if (known) return known;
  const words = key.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
