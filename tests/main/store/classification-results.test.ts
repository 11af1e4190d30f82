// A job's results are paged in SQL: by offset or after the last file of the page before, in path
// order or least confident first, filtered by label, unknown or disagreeing; every page is the
// slice of the whole list sorted the same way, and other jobs' rows never show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassificationResultsQuery, ClassifiedFileInfo, ResultsCursor } from '../../../preload/contract.ts';
import { addResults, createJob, listResults } from '../../../main/store/jobs.ts';
import { openStore } from '../../../main/store/store.ts';
import { tempDir } from '../../helpers/temp.ts';

const LABELS = ['java', 'javascript', 'python'];

function rows(n: number, salt: number): ClassifiedFileInfo[] {
  return Array.from({ length: n }, (_, i) => {
    const label = LABELS[(i * 7 + salt) % 3];
    // Repeated confidences, so ties are broken by path.
    const confidence = ((i * 7919 + salt) % 50) / 50;
    return {
      path: `d${(i * 31) % 17}/f${i}.x`, label, confidence, extensionLabel: LABELS[i % 3], extensionLanguage: null, size: 10 + i,
      top: [{ label, probability: confidence }],
    };
  });
}

const byPath = (a: ClassifiedFileInfo, b: ClassifiedFileInfo) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const byConfidence = (a: ClassifiedFileInfo, b: ClassifiedFileInfo) => a.confidence - b.confidence || byPath(a, b);

test('pages by offset and pages after a cursor are slices of the whole sorted, filtered list', () => {
  const store = openStore({ file: `${tempDir()}/langlab.db` });
  const db = store.db;
  const threshold = 0.3;
  const id = createJob(db, { runId: null, modelPath: '/m', root: '/r', threshold });
  const other = createJob(db, { runId: null, modelPath: '/m', root: '/o', threshold });
  const mine = rows(2500, 1);
  for (let i = 0; i < mine.length; i += 64) addResults(db, id, mine.slice(i, i + 64), { total: mine.length, done: i, skipped: 0 });
  addResults(db, other, rows(700, 2), { total: 700, done: 700, skipped: 0 });

  const cases: { query: Omit<ClassificationResultsQuery, 'id'>; keep: (f: ClassifiedFileInfo) => boolean }[] = [
    { query: {}, keep: () => true },
    { query: { sort: 'confidence' }, keep: () => true },
    { query: { label: 'python' }, keep: (f) => f.label === 'python' && f.confidence >= threshold },
    { query: { label: 'java', sort: 'confidence' }, keep: (f) => f.label === 'java' && f.confidence >= threshold },
    { query: { unknown: true, sort: 'confidence' }, keep: (f) => f.confidence < threshold },
    { query: { disagreeing: true }, keep: (f) => f.confidence >= threshold && f.extensionLabel !== f.label },
  ];
  const limit = 100;
  for (const { query, keep } of cases) {
    const expected = mine.filter(keep).sort(query.sort === 'confidence' ? byConfidence : byPath).map((f) => f.path);
    const name = JSON.stringify(query);
    // By offset.
    const byOffset: string[] = [];
    for (let offset = 0; offset < expected.length; offset += limit) {
      const page = listResults(db, { id, ...query, offset, limit });
      assert.equal(page.total, expected.length, name);
      byOffset.push(...page.files.map((f) => f.path));
    }
    assert.deepEqual(byOffset, expected, name);
    // After a cursor: the last file of each page starts the next.
    const byCursor: string[] = [];
    let after: ResultsCursor | undefined;
    for (;;) {
      const page = listResults(db, { id, ...query, limit, ...(after ? { after } : {}) });
      assert.equal(page.total, expected.length, `${name}: the total counts every page, not what is after the cursor`);
      if (page.files.length === 0) break;
      byCursor.push(...page.files.map((f) => f.path));
      const last = page.files.at(-1)!;
      after = { path: last.path, confidence: last.confidence };
    }
    assert.deepEqual(byCursor, expected, name);
  }
  // A cursor wins over an offset; a page past the end is empty.
  const first = listResults(db, { id, limit: 3 }).files;
  assert.deepEqual(listResults(db, { id, limit: 2, offset: 1000, after: { path: first[0].path, confidence: first[0].confidence } }).files.map((f) => f.path), first.slice(1).map((f) => f.path));
  assert.deepEqual(listResults(db, { id, offset: 10_000 }).files, []);
  store.close();
});
