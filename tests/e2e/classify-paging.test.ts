// A job of 100,000 classified files: the page reads one page of them at a time from the store,
// in path order or least confident first, forward and back; a running job shows its files done,
// files per second and time left from its job.progress events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClassifiedFileInfo, JobOf } from '../../preload/contract.ts';
import { addResults, createJob, finishJob } from '../../main/store/jobs.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();
const LABELS = ['java', 'javascript', 'python', 'cpp'];
const N = 100_000;

function file(i: number): ClassifiedFileInfo {
  const label = LABELS[i % 4];
  const confidence = 0.25 + ((i * 7919) % 7000) / 10_000;
  return {
    path: `pkg${String(i % 97).padStart(2, '0')}/mod${i % 13}/file${i}.src`, label, confidence, extensionLabel: LABELS[(i * 3) % 4], extensionLanguage: null, size: 200 + (i % 800),
    top: [{ label, probability: confidence }, { label: LABELS[(i + 1) % 4], probability: 1 - confidence }],
  };
}

test('a job of 100,000 files pages forward and back in path order and least confident first', { skip, timeout: 180_000 }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const id = createJob(db, { runId: null, modelPath: '/models/tiny', root: '/work/monorepo', threshold: 0.3 });
  const all: ClassifiedFileInfo[] = [];
  for (let start = 0; start < N; start += 2000) {
    const rows = Array.from({ length: Math.min(2000, N - start) }, (_, k) => file(start + k));
    all.push(...rows);
    addResults(db, id, rows, { total: N, done: start + rows.length, skipped: 0 });
  }
  finishJob(db, id, 'FINISHED');
  const byPath = all.map((f) => f.path).sort();
  const byConfidence = [...all].sort((a, b) => a.confidence - b.confidence || (a.path < b.path ? -1 : 1)).map((f) => f.path);

  const page = await browser().newPage({ viewport: { width: 1280, height: 860 } });
  const errors = collectErrors(page);
  await page.goto(at(served, `/classify/${id}`));
  const pager = page.locator('.pager');
  const firstPath = () => page.getByTestId('result-file').first().textContent();
  const expectPage = async (range: string, first: string) => {
    await pager.getByText(`${range} of 100,000`).waitFor();
    assert.equal(await firstPath(), first);
    assert.equal(await page.getByTestId('result-file').count(), 100);
  };
  await expectPage('1–100', byPath[0]);
  // Next waits for the page it moves from (it is disabled while a page loads), so each click moves one page.
  for (let k = 1; k <= 3; k++) await pager.getByRole('button', { name: 'Next' }).click();
  await expectPage('301–400', byPath[300]);
  await pager.getByRole('button', { name: 'Previous' }).click();
  await expectPage('201–300', byPath[200]);

  await page.getByLabel('Order').selectOption('confidence');
  await expectPage('1–100', byConfidence[0]);
  await pager.getByRole('button', { name: 'Next' }).click();
  await expectPage('101–200', byConfidence[100]);
  const shown = await page.getByTestId('result-file').allTextContents();
  assert.deepEqual(shown, byConfidence.slice(100, 200), 'the page is the slice of the whole list in that order');
  await shot(page, 'classify-paging');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-paging-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  errors.check();
  await page.close();
});

test("a running job shows files done, files per second and time left from its progress events", { skip, timeout: 120_000 }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const id = createJob(db, { runId: null, modelPath: '/models/tiny', root: '/work/monorepo', threshold: 0.3 });
  const rows = Array.from({ length: 500 }, (_, i) => file(i));
  addResults(db, id, rows, { total: N, done: 500, skipped: 3 });
  const page = await browser().newPage({ viewport: { width: 1280, height: 860 } });
  const errors = collectErrors(page);
  await page.goto(at(served, `/classify/${id}`));
  await page.getByTestId('job-progress').waitFor();

  const progress = (filesDone: number, filesPerSecond: number | null, etaSeconds: number | null): JobOf<'classify'> => ({
    jobId: 'e2e-classify', kind: 'classify', title: 'Classifying /work/monorepo', status: 'running', startedAt: Date.now() - 60_000, endedAt: null, error: null,
    storeId: id, resultId: null, filesTotal: N, filesFound: N, filesDone, filesSkipped: 3,
    breakdown: [{ label: 'python', files: filesDone, bytes: 1000 * filesDone, disagree: 12 }], withExtensionLabel: filesDone, withOtherLanguage: 0, disagreements: 12,
    unknown: { files: 0, bytes: 0 }, filesPerSecond, etaSeconds,
  });
  // While the folder is walked: no total yet, the files found so far.
  served.backend.events.emit('job.progress', { ...progress(0, null, null), filesTotal: 0, filesFound: 12_500, breakdown: [] });
  await page.getByTestId('job-phase').getByText('Finding files… 12,500 found so far').waitFor();
  served.backend.events.emit('job.progress', progress(64, null, null));
  await page.getByTestId('job-rate').getByText('measuring speed…').waitFor();
  served.backend.events.emit('job.progress', progress(40_000, 312.4, 192));
  await page.getByTestId('job-progress').getByText('Classifying 40,000 of 100,000 files…').waitFor();
  assert.equal(await page.getByTestId('job-rate').textContent(), '312 files/s');
  assert.equal(await page.getByTestId('job-eta').textContent(), 'about 3m 12s left');
  await shot(page, 'classify-progress');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-progress-dark');
  errors.check();
  await page.close();
});
