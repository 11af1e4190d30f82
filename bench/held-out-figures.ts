// The figures issue 14 judges a model by, from its predictions on a held-out split: each class's
// accuracy and where its errors went, the 8 core languages' accuracy over every label and
// restricted to those 8 (as the Magika and guesslang anchors were scored), the mean over classes and
// the error pairs. bench/train-accuracy.ts and bench/second-look.ts print them alike.
// Where the files name their projects, the same figures weighed by project (`by_project`): a class's
// accuracy is the mean of its test projects' accuracies, so a family of generated files (texinfo's
// charset modules in Perl's test split, Tiny Tiny RSS's upgrade scripts in SQL's) counts as the
// one project it is. It estimates what a user's own new project gets, and moves less with the seed.

export const CORE = new Set(['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml']);

export interface ScoredFile {
  trueLabel: string;
  predictedLabel: string;
  /** Ranked labels, best first (the restricted core figure takes the first core label among them). */
  top: readonly { label: string }[];
  /** The project the file comes from, where the dataset names one. */
  project?: string | null;
}

const restrictedRight = (p: ScoredFile): boolean => p.top.find((t) => CORE.has(t.label))?.label === p.trueLabel;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Figures weighed by project: each class's projects count alike, whatever their file counts. */
export interface ProjectFigures {
  mean_class_accuracy: number;
  core8_accuracy: number | null;
  core8_accuracy_restricted: number | null;
  /** Per class: its test projects, the mean of their accuracies, and the projects read worst (below 100 %, at most 3). */
  per_class: Record<string, { projects: number; accuracy: number; worst: { project: string; files: number; accuracy: number }[] }>;
}

export function projectFigures(predictions: readonly ScoredFile[]): ProjectFigures | null {
  if (predictions.length === 0 || predictions.some((p) => !p.project)) return null;
  const groups = new Map<string, Map<string, ScoredFile[]>>();
  for (const p of predictions) {
    const byProject = groups.get(p.trueLabel) ?? groups.set(p.trueLabel, new Map()).get(p.trueLabel)!;
    (byProject.get(p.project!) ?? byProject.set(p.project!, []).get(p.project!)!).push(p);
  }
  const perClass: ProjectFigures['per_class'] = {};
  const argmax: Record<string, number> = {};
  const restricted: Record<string, number> = {};
  for (const [label, byProject] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const projects = [...byProject].map(([project, files]) => ({
      project, files: files.length,
      accuracy: files.filter((f) => f.predictedLabel === f.trueLabel).length / files.length,
      restricted: files.filter(restrictedRight).length / files.length,
    }));
    argmax[label] = mean(projects.map((x) => x.accuracy));
    restricted[label] = mean(projects.map((x) => x.restricted));
    const worst = projects.filter((x) => x.accuracy < 1).sort((a, b) => a.accuracy - b.accuracy || b.files - a.files).slice(0, 3);
    perClass[label] = { projects: projects.length, accuracy: round4(argmax[label]), worst: worst.map((x) => ({ project: x.project, files: x.files, accuracy: round4(x.accuracy) })) };
  }
  const core = Object.keys(argmax).filter((l) => CORE.has(l));
  return {
    mean_class_accuracy: mean(Object.values(argmax)),
    core8_accuracy: core.length ? mean(core.map((l) => argmax[l])) : null,
    core8_accuracy_restricted: core.length ? mean(core.map((l) => restricted[l])) : null,
    per_class: perClass,
  };
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
  for (const c of Object.values(out)) c.accuracy = round4(c.accuracy / c.files);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function heldOutFigures(predictions: readonly ScoredFile[]) {
  const perClass = classFigures(predictions);
  const core = predictions.filter((p) => CORE.has(p.trueLabel));
  const coreRight = core.filter((p) => p.predictedLabel === p.trueLabel).length;
  const coreRestricted = core.filter(restrictedRight).length;
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
    mean_class_accuracy: mean(classAccuracies),
    per_class: perClass,
    errors: errorsByPair,
    by_project: projectFigures(predictions),
  };
}
