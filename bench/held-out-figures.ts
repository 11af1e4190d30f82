// The figures issue 14 judges a model by, from its predictions on a held-out split: each class's
// accuracy and where its errors went, the 8 core languages' accuracy over every label and
// restricted to those 8 (as the Magika and guesslang anchors were scored), the mean over classes and
// the error pairs. bench/train-accuracy.ts and bench/second-look.ts print them alike.

export const CORE = new Set(['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml']);

export interface ScoredFile {
  trueLabel: string;
  predictedLabel: string;
  /** Ranked labels, best first (the restricted core figure takes the first core label among them). */
  top: readonly { label: string }[];
}

export type ClassFigures = Record<string, { files: number; accuracy: number; to: Record<string, number> }>;

export function classFigures(predictions: readonly ScoredFile[]): ClassFigures {
  const out: ClassFigures = {};
  for (const p of predictions) {
    const c = (out[p.trueLabel] ??= { files: 0, accuracy: 0, to: {} });
    c.files++;
    if (p.predictedLabel === p.trueLabel) c.accuracy++;
    else c.to[p.predictedLabel] = (c.to[p.predictedLabel] ?? 0) + 1;
  }
  for (const c of Object.values(out)) c.accuracy = Math.round((c.accuracy / c.files) * 10000) / 10000;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function heldOutFigures(predictions: readonly ScoredFile[]) {
  const perClass = classFigures(predictions);
  const core = predictions.filter((p) => CORE.has(p.trueLabel));
  const coreRight = core.filter((p) => p.predictedLabel === p.trueLabel).length;
  const coreRestricted = core.filter((p) => p.top.find((t) => CORE.has(t.label))?.label === p.trueLabel).length;
  const classAccuracies = Object.values(perClass).map((c) => c.accuracy);
  const errorsByPair: Record<string, number> = {};
  for (const p of predictions) {
    if (p.trueLabel === p.predictedLabel) continue;
    const pair = `${p.trueLabel}->${p.predictedLabel}`;
    errorsByPair[pair] = (errorsByPair[pair] ?? 0) + 1;
  }
  return {
    accuracy: predictions.filter((p) => p.predictedLabel === p.trueLabel).length / Math.max(1, predictions.length),
    core8_accuracy: core.length ? coreRight / core.length : null,
    core8_accuracy_restricted: core.length ? coreRestricted / core.length : null,
    mean_class_accuracy: classAccuracies.reduce((a, b) => a + b, 0) / Math.max(1, classAccuracies.length),
    per_class: perClass,
    errors: errorsByPair,
  };
}
