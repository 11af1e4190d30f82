// A job's breakdown is read from the tally its batches keep (job-tally.ts), never from every result,
// and it is the breakdown a scan of every result gives: at thresholds on a bucket's edge, inside a
// bucket, at the stored confidences themselves, at 0 and 1; for a job stored before the tally
// (counted once when first read), and for another job's rows, which never count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedFileInfo } from '../../../preload/contract.ts';
import { confidenceBucket, pairTally, tallyBreakdown } from '../../../main/store/job-tally.ts';
import { getComparison, scanPairs } from '../../../main/store/job-comparison.ts';
import { addResults, createJob, getJobDetail, scanBreakdown, setJobThreshold } from '../../../main/store/jobs.ts';
import { openStore } from '../../../main/store/store.ts';
import { tempDir } from '../../helpers/temp.ts';

const LABELS = ['java', 'javascript', 'python', 'go'];

/** Deterministic rows with confidences on and just off the hundredths, and float32 values as a model gives. */
function rows(n: number, salt: number): ClassifiedFileInfo[] {
  return Array.from({ length: n }, (_, i) => {
    const label = LABELS[(i * 7 + salt) % LABELS.length];
    const k = (i * 7919 + salt) % 1001;
    const kind = i % 4;
    const confidence = kind === 0 ? k / 1000 : kind === 1 ? Math.fround(k / 1000) : kind === 2 ? Math.min(1, k / 1000 + 1e-12) : Math.max(0, k / 1000 - 1e-12);
    return {
      path: `f${salt}-${i}.x`,
      label,
      confidence,
      extensionLabel: i % 5 === 0 ? null : LABELS[i % LABELS.length],
      extensionLanguage: i % 5 === 0 && i % 2 === 0 ? 'TypeScript' : null,
      size: 10 + i,
      top: [{ label, probability: confidence }],
    };
  });
}

test('confidenceBucket is the largest k with confidence >= k/1000, as SQLite compares', () => {
  for (let k = 0; k <= 1000; k++) {
    assert.equal(confidenceBucket(k / 1000), k);
    assert.equal(confidenceBucket(Number((k / 1000).toFixed(3))), k, 'a threshold typed or stepped to 0.001 is an edge');
    if (k > 0) assert.equal(confidenceBucket(k / 1000 - 1e-12), k - 1);
  }
  for (const c of [Math.fround(0.29), Math.fround(0.57), 0.1 + 0.2, 0.7 * 0.1]) {
    const k = confidenceBucket(c);
    assert.ok(c >= k / 1000 && c < (k + 1) / 1000, `${c} in bucket ${k}`);
  }
  assert.equal(confidenceBucket(1.0000001), 1000);
  assert.equal(confidenceBucket(-0.5), -1);
});

test('the tallied breakdown equals a scan of every result at any threshold', () => {
  const { db } = openStore({ file: `${tempDir()}/langlab.db` });
  const id = createJob(db, { runId: null, modelPath: '/m', root: '/r' });
  const other = createJob(db, { runId: null, modelPath: '/m', root: '/o' });
  const mine = rows(3000, 1);
  for (let i = 0; i < mine.length; i += 64) addResults(db, id, mine.slice(i, i + 64), { total: mine.length, done: i, skipped: 0 });
  addResults(db, other, rows(500, 2), { total: 500, done: 500, skipped: 0 });
  const thresholds = [0, 1, 0.5, 0.29, 0.3, 0.305, 0.3055, 0.999, 0.9995, 0.01, 0.0001, Math.fround(0.57), ...mine.slice(0, 40).map((r) => r.confidence)];
  for (const t of thresholds) assert.deepEqual(tallyBreakdown(db, id, t), scanBreakdown(db, id, t), `threshold ${t}`);
  // Through the page's request, after a threshold change.
  setJobThreshold(db, id, 0.415);
  const detail = getJobDetail(db, id)!;
  const scan = scanBreakdown(db, id, 0.415);
  assert.deepEqual(detail.breakdown, scan.breakdown);
  assert.deepEqual(detail.unknown, scan.unknown);
  assert.equal(detail.withExtensionLabel, scan.withExtensionLabel);
  assert.equal(detail.withOtherLanguage, scan.withOtherLanguage);
  assert.equal(detail.disagreements, scan.breakdown.reduce((n, b) => n + b.disagree, 0));
  assert.ok(detail.unknown.files > 0 && detail.disagreements > 0 && detail.withOtherLanguage > 0);
});

test('a job stored before the tally is counted into it once, when its page first reads it', () => {
  const { db } = openStore({ file: `${tempDir()}/langlab.db` });
  const id = createJob(db, { runId: null, modelPath: '/m', root: '/r', threshold: 0.37 });
  const mine = rows(700, 3);
  addResults(db, id, mine, { total: 700, done: 700, skipped: 0 });
  // As a schema-13 store left it: results, no tally.
  db.prepare('DELETE FROM classification_tally WHERE job_id = ?').run(id);
  db.prepare("UPDATE classification_jobs SET tallied = 0, status = 'FINISHED' WHERE id = ?").run(id);
  const detail = getJobDetail(db, id)!;
  assert.deepEqual(detail.breakdown, scanBreakdown(db, id, 0.37).breakdown);
  assert.equal(db.prepare('SELECT tallied FROM classification_jobs WHERE id = ?').pluck().get(id), 1);
  assert.equal(db.prepare('SELECT sum(files) FROM classification_tally WHERE job_id = ?').pluck().get(id), 700);
  // A second read does not count it again.
  assert.deepEqual(getJobDetail(db, id)!.breakdown, detail.breakdown);
  assert.equal(db.prepare('SELECT sum(files) FROM classification_tally WHERE job_id = ?').pluck().get(id), 700);
});

test('deleting a job deletes its tally', () => {
  const { db } = openStore({ file: `${tempDir()}/langlab.db` });
  const id = createJob(db, { runId: null, modelPath: '/m', root: '/r' });
  addResults(db, id, rows(100, 4), { total: 100, done: 100, skipped: 0 });
  db.prepare('DELETE FROM classification_jobs WHERE id = ?').run(id);
  assert.equal(db.prepare('SELECT count(*) FROM classification_tally WHERE job_id = ?').pluck().get(id), 0);
});

test("a two-model job's side-by-side breakdowns and agreement counts are tallied as a scan counts them, old jobs too", () => {
  const { db } = openStore({ file: `${tempDir()}/langlab.db` });
  const labels = { a: ['java', 'javascript', 'python', 'go'], b: ['javascript', 'python', 'go', 'ruby'] };
  const id = createJob(db, { runId: null, modelPath: '/a', root: '/r', second: { runId: null, modelPath: '/b', labels } });
  const paired = rows(1500, 5).map((r, i) => {
    const label = labels.b[(i + (i >> 3)) % 4];
    const agree = labels.b.includes(r.label) && labels.a.includes(label) ? r.label === label : null;
    return { ...r, second: { label, confidence: 0.5, top: [{ label, probability: 0.5 }], agree } };
  });
  for (let i = 0; i < paired.length; i += 64) addResults(db, id, paired.slice(i, i + 64), { total: paired.length, done: i, skipped: 0 });
  const scan = scanPairs(db, id);
  assert.deepEqual(pairTally(db, id), scan);
  assert.ok(scan.disagreements > 0 && scan.outsideShared > 0 && scan.compared > scan.disagreements);
  const comparison = getComparison(db, id)!;
  assert.deepEqual([comparison.a.breakdown, comparison.b.breakdown, comparison.compared, comparison.disagreements, comparison.outsideShared], [scan.a, scan.b, scan.compared, scan.disagreements, scan.outsideShared]);
  // Stored before the tally: counted once on first read.
  db.prepare('DELETE FROM classification_pair_tally WHERE job_id = ?').run(id);
  db.prepare("UPDATE classification_jobs SET tallied = 0, status = 'FINISHED', pair_compared = 0, pair_disagreements = 0, pair_outside_shared = 0 WHERE id = ?").run(id);
  assert.deepEqual(getComparison(db, id)!.b.breakdown, scan.b);
  assert.deepEqual(pairTally(db, id), scan);
});
