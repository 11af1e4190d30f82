// `langlab eval <run>`: a run's stored test report and confusion matrix, with its label order; with
// --dataset, the run evaluated on another dataset (stored like the app's "Evaluate on…").

import type { DatasetEvaluationInfo, EvaluationInfo, EvaluationScope } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { UsageError } from './args.ts';
import { defineCommand } from './command.ts';
import { evaluateOnDataset } from './eval-dataset.ts';

const USAGE = `Usage: langlab eval <run_id> [--json]   (the stored test report and confusion matrix of a finished run)
       langlab eval <run_id> --dataset <id|folder|file> [--split all|train|validation|test] [--json]
         (evaluates the run's model on another dataset, all its files by default, and stores the evaluation;
          a folder or file is added to the store first, as \`langlab dataset add\` does)`;
const SCOPES: readonly EvaluationScope[] = ['all', 'train', 'validation', 'test'];

/** The report as `langlab eval --json` prints it (snake_case, like the train command's line). */
export function evalJson(runId: number, status: string, e: EvaluationInfo): Record<string, unknown> {
  return {
    run_id: runId,
    status,
    split: e.split,
    labels: e.labels,
    accuracy: e.accuracy,
    report: e.rows,
    macro_avg: e.macro,
    weighted_avg: e.weighted,
    confusion_matrix: e.confusion,
  };
}

/** `evalJson` of an evaluation on another dataset, with the dataset, the files and the labels the model lacks. */
export function datasetEvalJson(status: string, e: DatasetEvaluationInfo): Record<string, unknown> {
  return {
    ...evalJson(e.runId, status, e),
    evaluation_id: e.id,
    dataset: { id: e.datasetId, name: e.datasetName },
    files: e.files,
    unknown_labels: e.unknownLabels.map((u) => ({ label: u.label, files: u.files, predicted: u.predicted })),
  };
}

/** The lines for the dataset's labels the model lacks: how many files, and what they were predicted as. */
export function formatUnknownLabels(e: DatasetEvaluationInfo): string {
  if (e.unknownLabels.length === 0) return '';
  const lines = ['', `Labels the model lacks (their ${e.unknownLabels.reduce((n, u) => n + u.files, 0)} files are left out of the scores above):`];
  for (const u of e.unknownLabels) {
    const predicted = Object.entries(u.predicted).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ');
    lines.push(`  ${u.label}: ${u.files} file${u.files === 1 ? '' : 's'}, predicted as ${predicted}`);
  }
  return lines.join('\n');
}

/** The report as scikit-learn's classification_report prints it (4 digits), then the matrix. */
export function formatReport(e: EvaluationInfo): string {
  const width = Math.max(12, ...e.labels.map((l) => l.length));
  const num = (v: number) => v.toFixed(4).padStart(10);
  const row = (name: string, r: { precision: number; recall: number; f1: number; support: number }) =>
    `${name.padStart(width)}${num(r.precision)}${num(r.recall)}${num(r.f1)}${String(r.support).padStart(10)}`;
  const support = e.macro.support;
  const lines = [
    `${''.padStart(width)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'f1-score'.padStart(10)}${'support'.padStart(10)}`,
    '',
    ...e.rows.map((r) => row(r.label, r)),
    '',
    `${'accuracy'.padStart(width)}${''.padStart(20)}${num(e.accuracy)}${String(support).padStart(10)}`,
    row('macro avg', e.macro),
    row('weighted avg', e.weighted),
    '',
    'Confusion matrix (rows: true label, columns: predicted label):',
  ];
  const cell = Math.max(6, ...e.labels.map((l) => l.length + 1), ...e.confusion.flat().map((n) => String(n).length + 1));
  lines.push(`${''.padStart(width)}${e.labels.map((l) => l.padStart(cell)).join('')}`);
  e.confusion.forEach((r, i) => lines.push(`${e.labels[i].padStart(width)}${r.map((n) => String(n).padStart(cell)).join('')}`));
  return lines.join('\n');
}

/** The `langlab eval` command: `runs.get` for the stored report; with --dataset, `runs.evaluate` and `runs.evaluation`. */
export const evalCommand = defineCommand({
  name: 'eval',
  summary: "print a run's test report and confusion matrix",
  options: { dataset: { type: 'string' }, split: { type: 'string' } },
  usage: () => USAGE,
  async run({ values, positionals }, ctx) {
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new UsageError(`eval takes one run id.\n${USAGE}`);
    if (values.split !== undefined && values.dataset === undefined) throw new UsageError(`--split chooses the files of --dataset; give --dataset too.\n${USAGE}`);
    const scope = (values.split ?? 'all') as EvaluationScope;
    if (!SCOPES.includes(scope)) throw new UsageError(`--split must be one of ${SCOPES.join(', ')}; got '${values.split}'.`);
    const service = await ctx.service();
    try {
      if (values.dataset !== undefined) {
        const { status, evaluation } = await evaluateOnDataset(service, { runId: id, dataset: values.dataset, scope });
        if (values.json) console.log(JSON.stringify(datasetEvalJson(status, evaluation)));
        else {
          const scopeText = scope === 'all' ? 'all files' : `${scope} split`;
          console.log(`Run ${id} on dataset ${evaluation.datasetId} (${evaluation.datasetName}), ${scopeText}: ${evaluation.files} files\n\n${formatReport(evaluation)}${formatUnknownLabels(evaluation)}`);
        }
        return 0;
      }
      const run = await service.call('runs.get', { id });
      const test = run.evaluations.filter((e) => e.split === 'test').at(-1);
      if (!test) throw new LanglabError('NOT_AVAILABLE', `Run ${id} has no test report (it is ${run.status}); only finished runs are evaluated.`);
      if (values.json) console.log(JSON.stringify(evalJson(id, run.status, test)));
      else console.log(`Run ${id} (${run.name}), test split:\n\n${formatReport(test)}`);
      return 0;
    } finally {
      service.close();
    }
  },
});
