// A classification job's language breakdown kept as its results are stored: per top label and per
// thousandth of confidence, the files, bytes and extension counts. The job's page reads it instead of
// every result: at a threshold t, the buckets wholly at or above t and wholly below it are summed
// from here, so the figures are the ones a scan of every result gives. Every threshold the app sets
// is a whole number of thousandths (the slider's step, the default's rounding) and lies on a
// bucket's edge; any other (`--threshold 0.12345`) also reads the results of the one bucket it
// falls inside, which takes a scan of the job's results (an index on confidence would answer it
// without one, but made storing each batch about 3x slower: bench/job-detail.ts).
import type Database from 'better-sqlite3';
import type { ClassificationBreakdownRow } from '../../preload/contract.ts';

/** Buckets per unit of confidence. */
const BUCKETS = 1000;

/**
 * The largest k in [0, BUCKETS] with `confidence >= k / BUCKETS` (-1 below 0), compared exactly as
 * SQLite compares the stored REAL with a bound threshold of k / BUCKETS.
 */
export function confidenceBucket(confidence: number): number {
  if (!(confidence >= 0)) return -1;
  let k = Math.min(BUCKETS, Math.floor(confidence * BUCKETS));
  while (k < BUCKETS && confidence >= (k + 1) / BUCKETS) k++;
  while (k > 0 && confidence < k / BUCKETS) k--;
  return k;
}

/** What the tally needs of a stored result (`second`: the second model's top label and agreement, in a two-model job). */
interface TallyRow {
  label: string;
  confidence: number;
  size: number;
  extensionLabel: string | null;
  extensionLanguage: string | null;
  second?: { label: string; agree: boolean | null };
}

interface Cell {
  label: string;
  bucket: number;
  files: number;
  bytes: number;
  disagree: number;
  withExt: number;
  withOther: number;
}

/** Adds results to a job's tally, one upsert per (label, bucket) they fall in; call it in the transaction that stores them. */
export function tallyResults(db: Database.Database, id: number, rows: Iterable<TallyRow>): void {
  const cells = new Map<string, Cell>();
  const pairs: TallyRow[] = [];
  for (const r of rows) {
    if (r.second) pairs.push(r);
    const bucket = confidenceBucket(r.confidence);
    const key = `${bucket}\u0000${r.label}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { label: r.label, bucket, files: 0, bytes: 0, disagree: 0, withExt: 0, withOther: 0 }));
    cell.files++;
    cell.bytes += r.size;
    if (r.extensionLabel !== null) {
      cell.withExt++;
      if (r.extensionLabel !== r.label) cell.disagree++;
    }
    if (r.extensionLanguage !== null) cell.withOther++;
  }
  if (cells.size === 0) return;
  tallyPairs(db, id, pairs);
  const upsert = db.prepare(
    `INSERT INTO classification_tally (job_id, label, bucket, files, bytes, disagree, with_ext, with_other) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (job_id, label, bucket) DO UPDATE SET files = files + excluded.files, bytes = bytes + excluded.bytes,
       disagree = disagree + excluded.disagree, with_ext = with_ext + excluded.with_ext, with_other = with_other + excluded.with_other`,
  );
  for (const c of cells.values()) upsert.run(id, c.label, c.bucket, c.files, c.bytes, c.disagree, c.withExt, c.withOther);
}

/** A two-model job's share of these results: each model's files and bytes by top label, and the agreement counts. */
function tallyPairs(db: Database.Database, id: number, rows: readonly TallyRow[]): void {
  if (rows.length === 0) return;
  const byModel = new Map<string, { model: 'a' | 'b'; label: string; files: number; bytes: number }>();
  const add = (model: 'a' | 'b', label: string, size: number) => {
    const key = `${model}\u0000${label}`;
    const cell = byModel.get(key) ?? byModel.set(key, { model, label, files: 0, bytes: 0 }).get(key)!;
    cell.files++;
    cell.bytes += size;
  };
  let compared = 0;
  let disagreements = 0;
  let outside = 0;
  for (const r of rows) {
    add('a', r.label, r.size);
    add('b', r.second!.label, r.size);
    if (r.second!.agree === null) outside++;
    else {
      compared++;
      if (!r.second!.agree) disagreements++;
    }
  }
  const upsert = db.prepare(
    `INSERT INTO classification_pair_tally (job_id, model, label, files, bytes) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (job_id, model, label) DO UPDATE SET files = files + excluded.files, bytes = bytes + excluded.bytes`,
  );
  for (const c of byModel.values()) upsert.run(id, c.model, c.label, c.files, c.bytes);
  db.prepare('UPDATE classification_jobs SET pair_compared = pair_compared + ?, pair_disagreements = pair_disagreements + ?, pair_outside_shared = pair_outside_shared + ? WHERE id = ?').run(
    compared, disagreements, outside, id,
  );
}

/** A tallied two-model job's breakdown per model (most files first, then by label) and its agreement counts. */
export function pairTally(db: Database.Database, id: number): { a: PairRow[]; b: PairRow[]; compared: number; disagreements: number; outsideShared: number } {
  const rows = db.prepare('SELECT model, label, files, bytes FROM classification_pair_tally WHERE job_id = ?').all(id) as (PairRow & { model: 'a' | 'b' })[];
  const side = (model: 'a' | 'b') => rows.filter((r) => r.model === model).map(({ label, files, bytes }) => ({ label, files, bytes })).sort((x, y) => y.files - x.files || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
  const counts = db.prepare('SELECT pair_compared AS compared, pair_disagreements AS disagreements, pair_outside_shared AS outsideShared FROM classification_jobs WHERE id = ?').get(id) as {
    compared: number;
    disagreements: number;
    outsideShared: number;
  };
  return { a: side('a'), b: side('b'), ...counts };
}

/** One model's files and bytes under one top label. */
interface PairRow {
  label: string;
  files: number;
  bytes: number;
}

/**
 * Counts a job stored before schema 14 into its tally, once (one read of its results); a no-op for a
 * job already tallied. False when it cannot be done now: the job is still running in an older build,
 * or the store is open read-only (the command line's reads).
 */
export function ensureTallied(db: Database.Database, id: number): boolean {
  const job = db.prepare('SELECT tallied, status FROM classification_jobs WHERE id = ?').get(id) as { tallied: number; status: string } | undefined;
  if (!job) return false;
  if (job.tallied === 1) return true;
  if (job.status === 'RUNNING' || db.readonly) return false;
  db.transaction(() => {
    db.prepare('DELETE FROM classification_tally WHERE job_id = ?').run(id);
    db.prepare('DELETE FROM classification_pair_tally WHERE job_id = ?').run(id);
    db.prepare('UPDATE classification_jobs SET pair_compared = 0, pair_disagreements = 0, pair_outside_shared = 0 WHERE id = ?').run(id);
    // Read whole first: the connection runs no write while a read is still stepping through rows.
    const stored = db
      .prepare(
        `SELECT label, confidence, size, extension_label AS extensionLabel, extension_language AS extensionLanguage, second_label, agree
           FROM classification_results WHERE job_id = ?`,
      )
      .all(id) as (TallyRow & { second_label: string | null; agree: number | null })[];
    tallyResults(
      db,
      id,
      stored.map((r) => (r.second_label !== null ? { ...r, second: { label: r.second_label, agree: r.agree === null ? null : r.agree === 1 } } : r)),
    );
    db.prepare('UPDATE classification_jobs SET tallied = 1 WHERE id = ?').run(id);
  })();
  return true;
}

/** A job's breakdown at a threshold, as `getJobDetail` answers it. */
interface BreakdownAt {
  breakdown: ClassificationBreakdownRow[];
  withExtensionLabel: number;
  withOtherLanguage: number;
  unknown: { files: number; bytes: number };
}

interface Sums {
  label: string;
  files: number;
  bytes: number;
  disagree: number;
  with_ext: number;
  with_other: number;
}

/** Most files first, then by label (SQLite's binary order for the ASCII labels models have). */
const byFiles = (a: ClassificationBreakdownRow, b: ClassificationBreakdownRow) => b.files - a.files || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/** The breakdown of a tallied job at `threshold`: files below it are unknown, in no language and no disagreement. */
export function tallyBreakdown(db: Database.Database, id: number, threshold: number): BreakdownAt {
  const k = confidenceBucket(threshold);
  // A threshold on a bucket's edge keeps that bucket whole; else its results are read one by one.
  const onEdge = k >= 0 && threshold === k / BUCKETS;
  const firstKnown = onEdge ? k : k + 1;
  const known = db
    .prepare(
      `SELECT label, sum(files) AS files, sum(bytes) AS bytes, sum(disagree) AS disagree, sum(with_ext) AS with_ext, sum(with_other) AS with_other
         FROM classification_tally WHERE job_id = ? AND bucket >= ? GROUP BY label`,
    )
    .all(id, firstKnown) as Sums[];
  const below = db
    .prepare('SELECT coalesce(sum(files), 0) AS files, coalesce(sum(bytes), 0) AS bytes FROM classification_tally WHERE job_id = ? AND bucket < ?')
    .get(id, k) as { files: number; bytes: number };
  const byLabel = new Map(known.map((s) => [s.label, s]));
  const unknown = { files: below.files, bytes: below.bytes };
  if (!onEdge) {
    const edge = db
      .prepare(
        `SELECT label, confidence >= ? AS known, count(*) AS files, sum(size) AS bytes,
                sum(extension_label IS NOT NULL AND extension_label <> label) AS disagree,
                sum(extension_label IS NOT NULL) AS with_ext, sum(extension_language IS NOT NULL) AS with_other
           FROM classification_results WHERE job_id = ? AND confidence >= ? AND confidence < ? GROUP BY label, known`,
      )
      .all(threshold, id, k / BUCKETS, (k + 1) / BUCKETS) as (Sums & { known: number })[];
    for (const e of edge) {
      if (!e.known) {
        unknown.files += e.files;
        unknown.bytes += e.bytes;
        continue;
      }
      const s = byLabel.get(e.label);
      if (!s) byLabel.set(e.label, e);
      else {
        s.files += e.files;
        s.bytes += e.bytes;
        s.disagree += e.disagree;
        s.with_ext += e.with_ext;
        s.with_other += e.with_other;
      }
    }
  }
  const sums = [...byLabel.values()];
  return {
    breakdown: sums.map((s) => ({ label: s.label, files: s.files, bytes: s.bytes, disagree: s.disagree })).sort(byFiles),
    withExtensionLabel: sums.reduce((n, s) => n + s.with_ext, 0),
    withOtherLanguage: sums.reduce((n, s) => n + s.with_other, 0),
    unknown,
  };
}
