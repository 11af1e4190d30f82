// Which finished run's model Classify offers first. The newest run is often a toy (a few hundred
// files, a quick test), so the menu ranks by what makes a model useful on a whole repository:
// first how many languages its labels cover (a file in a language the model lacks is always
// wrong), then its test macro F1, then its test accuracy; the newest first among equals.
import type { RunSummary } from '../../../preload/contract.ts';

/** The runs in the order the model menu lists them; the first is the default. */
export function rankModels(runs: readonly RunSummary[]): RunSummary[] {
  const labels = (r: RunSummary) => r.test?.classes ?? 0;
  const f1 = (r: RunSummary) => r.test?.macroF1 ?? -1;
  const accuracy = (r: RunSummary) => r.test?.accuracy ?? -1;
  return [...runs].sort((a, b) => labels(b) - labels(a) || f1(b) - f1(a) || accuracy(b) - accuracy(a) || b.startTime - a.startTime || b.id - a.id);
}

/** A run as the menu names it: its name and id, its label count and its test figures. */
export function modelOption(run: RunSummary): string {
  const facts = run.test
    ? [`${run.test.classes} labels`, `test accuracy ${(run.test.accuracy * 100).toFixed(1)}%`, `macro F1 ${run.test.macroF1.toFixed(3)}`]
    : ['not tested'];
  return [`${run.name} · run ${run.id}`, ...facts, ...(run.datasetName ? [run.datasetName] : [])].join(' · ');
}
