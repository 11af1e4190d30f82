// `langlab compare <runA> <runB>`: two runs file by file, as Compare's "two runs in depth" shows
// them: per-class B − A deltas, the confusion-matrix difference and the flipped files. It only calls
// `compare.pair` and `compare.pairFiles`; the pairing and counting live in the service.

import type { PairDiff, PairFile, PairFilesFilter, PairQuery } from '../../preload/contract.ts';
import { sharedEvaluations } from '../../preload/shared-evaluations.ts';
import { UsageError } from './args.ts';
import { defineCommand } from './command.ts';
import type { CliService } from './service.ts';

const USAGE = `Usage: langlab compare <run_a> <run_b> [--json]
  Compares two finished runs over the test files both predicted (matched by content hash):
  per-class precision/recall/F1 with B − A deltas, the confusion-matrix difference (B − A),
  and every file A gets right and B wrong ("broken") or the reverse ("fixed").
  Where both runs were evaluated on the same other dataset (\`langlab eval\`), the same
  comparison follows for each such dataset (the latest evaluation of each run there);
  --json lists them under "evaluations".`;

/** The flipped-file page size; `compare.pairFiles` accepts up to 1,000 a call. */
const PAGE = 1000;

interface Flip {
  path: string;
  true: string;
  a: string;
  b: string;
}

async function allFlips(service: CliService, query: PairQuery, kind: 'broken' | 'fixed'): Promise<Flip[]> {
  const out: Flip[] = [];
  const filter: PairFilesFilter = { kind };
  for (let offset = 0; ; offset += PAGE) {
    const page = await service.call('compare.pairFiles', { ...query, filter, offset, limit: PAGE });
    out.push(...page.rows.map((r: PairFile) => ({ path: r.path, true: r.trueLabel, a: r.a.predictedLabel, b: r.b.predictedLabel })));
    if (out.length >= page.total || page.rows.length === 0) return out;
  }
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** One comparison (own test split, or one other dataset): the diff and both flip lists. */
interface Comparison {
  diff: PairDiff;
  broken: Flip[];
  fixed: Flip[];
}

/** A comparison on another dataset both runs were evaluated on. */
interface DatasetComparison extends Comparison {
  title: string;
  evaluationA: number;
  evaluationB: number;
}

async function comparison(service: CliService, query: PairQuery): Promise<Comparison> {
  return { diff: await service.call('compare.pair', query), broken: await allFlips(service, query, 'broken'), fixed: await allFlips(service, query, 'fixed') };
}

/** The comparison as `--json` prints it (snake_case, like `langlab eval --json`). */
export function compareJson(runA: number, runB: number, own: Comparison, others: DatasetComparison[] = []): Record<string, unknown> {
  return {
    run_a: runA,
    run_b: runB,
    ...pairJson(own.diff, own.broken, own.fixed),
    evaluations: others.map((o) => ({ dataset: o.title, evaluation_a: o.evaluationA, evaluation_b: o.evaluationB, ...pairJson(o.diff, o.broken, o.fixed) })),
  };
}

function pairJson(d: PairDiff, broken: Flip[], fixed: Flip[]): Record<string, unknown> {
  const diff = d.confusionB.map((row, i) => row.map((v, j) => v - d.confusionA[i][j]));
  const changed: { true: string; predicted: string; a: number; b: number; delta: number }[] = [];
  diff.forEach((row, i) => row.forEach((delta, j) => {
    if (delta !== 0) changed.push({ true: d.labels[i], predicted: d.labels[j], a: d.confusionA[i][j], b: d.confusionB[i][j], delta });
  }));
  return {
    labels: d.labels,
    only_a: d.onlyA,
    only_b: d.onlyB,
    files_a: d.filesA,
    files_b: d.filesB,
    shared_files: d.shared,
    same_files: d.sameFiles,
    matched_by: d.matchedBy,
    accuracy: { a: d.accuracyA, b: d.accuracyB, delta: round(d.accuracyB - d.accuracyA) },
    per_class: d.rows.map((r) => ({
      label: r.label,
      support: r.a.support,
      a: { precision: r.a.precision, recall: r.a.recall, f1: r.a.f1 },
      b: { precision: r.b.precision, recall: r.b.recall, f1: r.b.f1 },
      delta: { precision: round(r.b.precision - r.a.precision), recall: round(r.b.recall - r.a.recall), f1: round(r.b.f1 - r.a.f1) },
    })),
    confusion_a: d.confusionA,
    confusion_b: d.confusionB,
    confusion_diff: diff,
    changed_cells: changed,
    broken_by_b: d.brokenByB,
    fixed_by_b: d.fixedByB,
    flipped: { broken: broken, fixed: fixed },
  };
}

function formatText(runA: number, runB: number, own: Comparison, others: DatasetComparison[]): string {
  const parts = [formatPair(`Run ${runA} (A) vs run ${runB} (B) over`, 'test file', own)];
  for (const o of others) {
    parts.push(formatPair(`On dataset ${o.title} (evaluation ${o.evaluationA} of A, ${o.evaluationB} of B): run ${runA} (A) vs run ${runB} (B) over`, 'file', o));
  }
  if (others.length === 0) parts.push('No dataset other than their own has an evaluation of both runs (`langlab eval <run> --dataset <id>` makes one).');
  return parts.join('\n\n');
}

function formatPair(head: string, noun: string, { diff: d, broken, fixed }: Comparison): string {
  const width = Math.max(12, ...d.labels.map((l) => l.length));
  const signed = (v: number) => (v > 0 ? '+' : '') + v.toFixed(4);
  const lines = [
    `${head} ${d.shared} shared ${noun}${d.shared === 1 ? '' : 's'} (matched by ${d.matchedBy})` +
      (d.sameFiles ? '' : `; A has ${d.filesA} files, B ${d.filesB}: only the shared ones are compared`),
  ];
  if (d.onlyA.length || d.onlyB.length) lines.push(`Labels left out: only A knows [${d.onlyA.join(', ')}], only B knows [${d.onlyB.join(', ')}]`);
  lines.push(`Accuracy: A ${d.accuracyA.toFixed(4)}  B ${d.accuracyB.toFixed(4)}  B − A ${signed(d.accuracyB - d.accuracyA)}`, '');
  lines.push(`${''.padStart(width)}${'F1 A'.padStart(9)}${'F1 B'.padStart(9)}${'ΔF1'.padStart(9)}${'Δprec'.padStart(9)}${'Δrecall'.padStart(9)}${'support'.padStart(9)}`);
  for (const r of d.rows) {
    lines.push(
      `${r.label.padStart(width)}${r.a.f1.toFixed(4).padStart(9)}${r.b.f1.toFixed(4).padStart(9)}${signed(r.b.f1 - r.a.f1).padStart(9)}` +
        `${signed(r.b.precision - r.a.precision).padStart(9)}${signed(r.b.recall - r.a.recall).padStart(9)}${String(r.a.support).padStart(9)}`,
    );
  }
  lines.push('', 'Confusion-matrix difference B − A (rows: true label, columns: predicted label):');
  const cell = Math.max(6, ...d.labels.map((l) => l.length + 1));
  lines.push(`${''.padStart(width)}${d.labels.map((l) => l.padStart(cell)).join('')}`);
  d.confusionB.forEach((row, i) => {
    const deltas = row.map((v, j) => v - d.confusionA[i][j]);
    lines.push(`${d.labels[i].padStart(width)}${deltas.map((v) => (v === 0 ? '.' : v > 0 ? `+${v}` : String(v)).padStart(cell)).join('')}`);
  });
  const list = (title: string, flips: Flip[]) => {
    lines.push('', `${title}: ${flips.length}`);
    for (const f of flips) lines.push(`  ${f.path}  true ${f.true}  A ${f.a}  B ${f.b}`);
  };
  list('Broken by B (A right, B wrong)', broken);
  list('Fixed by B (A wrong, B right)', fixed);
  return lines.join('\n');
}

function runId(raw: string | undefined): number {
  const id = Number(raw);
  if (raw === undefined || !Number.isInteger(id) || id < 1) throw new UsageError(`compare takes two run ids (whole numbers from \`langlab runs\`), got "${raw ?? ''}".\n${USAGE}`);
  return id;
}

/** The `langlab compare` command. */
export const compareCommand = defineCommand({
  name: 'compare',
  summary: 'compare two runs file by file: per-class deltas, confusion diff, flipped files',
  options: {},
  usage: () => USAGE,
  async run({ values, positionals }, ctx) {
    if (positionals.length !== 2) throw new UsageError(`compare takes two run ids.\n${USAGE}`);
    const [a, b] = [runId(positionals[0]), runId(positionals[1])];
    const service = await ctx.service();
    try {
      const own = await comparison(service, { runA: a, runB: b });
      const others: DatasetComparison[] = [];
      for (const e of sharedEvaluations(await service.call('runs.evaluations', { runIds: [a, b] }), a, b)) {
        others.push({ title: e.title, evaluationA: e.evaluationA, evaluationB: e.evaluationB, ...(await comparison(service, { runA: a, runB: b, evaluationA: e.evaluationA, evaluationB: e.evaluationB })) });
      }
      console.log(values.json ? JSON.stringify(compareJson(a, b, own, others)) : formatText(a, b, own, others));
      return 0;
    } finally {
      service.close();
    }
  },
});
