/**
 * The Add dataset form's names for the options a dataset records, so its page's "Made with" list
 * reads as the form did (`testFraction` is "Test fraction", `maxBytes` is "Largest file (KB)").
 */
export const OPTION_LABELS = {
  seed: 'Seed',
  testFraction: 'Test fraction',
  validationFraction: 'Validation fraction (of the rest)',
  maxBytes: 'Largest file (KB)',
  top: 'Top N languages',
  minFiles: 'Minimum files per language',
  cap: 'Files per language (cap)',
  format: 'Format',
  splitFrom: 'Split',
} as const;

const SPLIT_FROM: Record<string, string> = {
  project: 'whole projects held out',
  mixed: 'projects held out, per file where too few',
  file: 'file by file',
  column: "the table's split column",
};

/** The recorded options a person set or would want to know, named and shown as the form takes them; the rest (lists, maps) are left out. */
export function madeWith(options: Record<string, unknown>): { key: string; label: string; value: string }[] {
  const out: { key: string; label: string; value: string }[] = [];
  for (const [key, label] of Object.entries(OPTION_LABELS)) {
    const value = options[key];
    if (!['string', 'number', 'boolean'].includes(typeof value)) continue;
    const shown = key === 'maxBytes' && typeof value === 'number' ? String(value / 1024) : key === 'splitFrom' ? (SPLIT_FROM[String(value)] ?? String(value)) : String(value);
    out.push({ key, label, value: shown });
  }
  return out;
}
