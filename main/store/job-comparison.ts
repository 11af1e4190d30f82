// The two-model side of a classification job: both models' breakdowns and the files where they
// disagree, counted, filtered, sorted and paged in SQL over the stored results.
import type Database from 'better-sqlite3';
import type { ClassificationComparison, ClassifiedFileInfo, ComparedModel, DisagreementsQuery } from '../../preload/contract.ts';
import { ensureTallied, pairTally } from './job-tally.ts';
import { getJob, RESULT_COLUMNS, type ResultRow, toFileInfo } from './jobs.ts';

/** How two label sets meet: the labels both have (compared), and those only one has. */
export function labelOverlap(a: readonly string[], b: readonly string[]): { shared: string[]; onlyA: string[]; onlyB: string[] } {
  const inA = new Set(a);
  const inB = new Set(b);
  return { shared: a.filter((l) => inB.has(l)).sort(), onlyA: a.filter((l) => !inB.has(l)).sort(), onlyB: b.filter((l) => !inA.has(l)).sort() };
}

/** Whether two top labels agree: null when either is one the other model has no label for. */
export function agreement(a: string, b: string, shared: ReadonlySet<string>): boolean | null {
  return shared.has(a) && shared.has(b) ? a === b : null;
}

/** A two-model job's side-by-side breakdowns and counts; null when there is no such job or it has one model. */
export function getComparison(db: Database.Database, id: number): ClassificationComparison | null {
  const job = getJob(db, id);
  const stored = db.prepare('SELECT compare_labels FROM classification_jobs WHERE id = ?').pluck().get(id) as string | null | undefined;
  if (!job || !job.second || !stored) return null;
  const labels = JSON.parse(stored) as { a: string[]; b: string[] };
  const { a, b, ...counts } = ensureTallied(db, id) ? pairTally(db, id) : scanPairs(db, id);
  return {
    a: { runId: job.runId, runName: job.runName, modelPath: job.modelPath, labels: labels.a, breakdown: a },
    b: { runId: job.second.runId, runName: job.second.runName, modelPath: job.second.modelPath, labels: labels.b, breakdown: b },
    ...labelOverlap(labels.a, labels.b),
    ...counts,
  };
}

/** Both models' breakdowns and the agreement counts over every stored result (a job still running in an older build; the tally's reference in tests). */
export function scanPairs(db: Database.Database, id: number): ReturnType<typeof pairTally> {
  const breakdown = (column: 'label' | 'second_label') =>
    db
      .prepare(
        `SELECT ${column} AS label, count(*) AS files, sum(size) AS bytes FROM classification_results
          WHERE job_id = ? AND ${column} IS NOT NULL GROUP BY ${column} ORDER BY files DESC, label`,
      )
      .all(id) as ComparedModel['breakdown'];
  const counts = db
    .prepare(
      `SELECT coalesce(sum(agree IS NOT NULL), 0) AS compared, coalesce(sum(agree = 0), 0) AS disagreements,
              coalesce(sum(agree IS NULL AND second_label IS NOT NULL), 0) AS outsideShared
         FROM classification_results WHERE job_id = ?`,
    )
    .get(id) as { compared: number; disagreements: number; outsideShared: number };
  return { a: breakdown('label'), b: breakdown('second_label'), ...counts };
}

/** One page of the files where a two-model job's models disagree, optionally those where either says `label`. */
export function listDisagreements(db: Database.Database, query: DisagreementsQuery): { total: number; files: ClassifiedFileInfo[] } {
  const where = ['job_id = ?', 'agree = 0'];
  const params: (string | number)[] = [query.id];
  if (query.label !== undefined) {
    where.push('(label = ? OR second_label = ?)');
    params.push(query.label, query.label);
  }
  const clause = where.join(' AND ');
  const total = db.prepare(`SELECT count(*) FROM classification_results WHERE ${clause}`).pluck().get(...params) as number;
  // 'confidence': the disagreements both models are surest of first (the higher of the two lower confidences).
  const order = query.sort === 'confidence' ? 'min(confidence, second_confidence) DESC, path' : 'path';
  const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
  const rows = db
    .prepare(`SELECT ${RESULT_COLUMNS} FROM classification_results WHERE ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...params, limit, Math.max(0, query.offset ?? 0)) as ResultRow[];
  return { total, files: rows.map(toFileInfo) };
}
