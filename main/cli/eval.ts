// `langlab eval <run>`: a run's stored test report and confusion matrix, with its label order.

import type { EvaluationInfo } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { getRun } from '../store/runs.ts';
import { type CliCommand, openCliStore, parseCommandArgs } from './command.ts';

const USAGE = 'Usage: langlab eval <run_id> [--json]   (the stored test report and confusion matrix of a finished run)';

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

/** The `langlab eval` command. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: "print a run's test report and confusion matrix",
  async run(argv) {
    const { values, positionals } = parseCommandArgs('eval', argv, {});
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new LanglabError('INVALID_ARGUMENT', `eval takes one run id.\n${USAGE}`);
    const store = openCliStore(values.home);
    try {
      const run = getRun(store.db, id);
      const test = run.evaluations.filter((e) => e.split === 'test').at(-1);
      if (!test) throw new LanglabError('NOT_AVAILABLE', `Run ${id} has no test report (it is ${run.status}); only finished runs are evaluated.`);
      if (values.json) console.log(JSON.stringify(evalJson(id, run.status, test)));
      else console.log(`Run ${id} (${run.name}), test split:\n\n${formatReport(test)}`);
      return 0;
    } finally {
      store.close();
    }
  },
};
