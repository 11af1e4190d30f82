// The Classify form's precision (float32 as trained, or int8 from the run's int8 export), carried by
// classify.start, stored with the job and shown on its page; a two-run job runs both models in it,
// and its Files table shows model B's label and confidence beside A's and whether they agree. The
// job list follows its jobs from progress events: a job started elsewhere appears, and its end
// shows, without the list being read on every store change.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CLASSIFY_PRECISION } from '../../preload/classify-precision.ts';
import { INT8_MODEL_DIR } from '../../main/trainer/int8-export.ts';
import { listJobs, listResults } from '../../main/store/jobs.ts';
import { pyJsTree, twoExportedRuns } from '../helpers/exported-run.ts';
import { seedDataset } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

test('a two-run job in int8 stores and shows its precision, and its Files table shows model B and agreement', { skip, timeout: 180_000 }, async () => {
  const served = await serve();
  const { db } = served.backend.store;
  const ds = seedDataset(db, 'bench');
  const { a, b } = twoExportedRuns(db, served.backend.dataDir, ds, { int8: true });
  const repo = pyJsTree(12);

  const page = await browser().newPage({ viewport: { width: 1360, height: 1000 } });
  const errors = collectErrors(page);
  await page.goto(at(served, '/classify'));
  await page.getByTestId('classify-run').locator('option').first().waitFor({ state: 'attached' });
  assert.equal(await page.getByTestId('classify-precision').inputValue(), DEFAULT_CLASSIFY_PRECISION);
  await page.getByTestId('classify-run').selectOption(String(a.runId));
  await page.getByTestId('classify-second-run').selectOption(String(b.runId));
  await page.getByTestId('classify-precision').selectOption('int8');
  await page.getByLabel('Folder to classify').fill(repo);
  assert.match((await page.locator('form').textContent()) ?? '', /Precision \(both models\)/);
  assert.match((await page.getByTestId('classify-precision').textContent()) ?? '', /int8 — faster, within 0\.1 point/);
  await shot(page, 'classify-form-precision-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-form-precision-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('classify-start').click();
  await page.waitForURL(/#\/classify\/\d+$/);
  await page.locator('[data-testid="job-meta"] .badge.finished').waitFor({ timeout: 90_000 });
  const [job] = listJobs(db);
  assert.equal(job.precision, 'int8');
  assert.equal(path.basename(job.modelPath), INT8_MODEL_DIR);
  assert.equal(path.basename(job.second!.modelPath), INT8_MODEL_DIR);
  assert.equal(((await page.getByTestId('job-precision').textContent()) ?? '').trim(), 'int8, both models');

  // Model B's label and confidence, and agreement, row by row as stored.
  const stored = listResults(db, { id: job.id, limit: 100 }).files;
  const rows = page.getByTestId('results').locator('tbody tr');
  await page.getByTestId('result-b').first().waitFor();
  assert.equal(await rows.count(), stored.length);
  for (const [i, f] of stored.entries()) {
    const b2 = ((await rows.nth(i).getByTestId('result-b').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    assert.equal(b2, `${f.second!.label} ${(100 * f.second!.confidence).toFixed(1)}%`);
    const agree = ((await rows.nth(i).getByTestId('result-agree').textContent()) ?? '').trim();
    assert.equal(agree, f.second!.agree === null ? 'not compared' : f.second!.agree ? 'agree' : 'disagree');
  }
  assert.ok(stored.some((f) => f.second!.agree === false), 'some files disagree');
  await page.getByTestId('results').scrollIntoViewIfNeeded();
  await shot(page, 'classify-job-model-b-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-job-model-b-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The list: a job started elsewhere appears and ends from its events; store changes alone read nothing.
  let listReads = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/classify.jobs')) listReads++;
  });
  await page.getByRole('link', { name: 'All jobs' }).click();
  await page.getByTestId('classify-jobs').waitFor();
  assert.match(((await page.getByTestId('classify-job-row').first().textContent()) ?? '').replace(/\s+/g, ' '), /model A vs model B · int8/);
  const readsBefore = listReads;
  served.backend.events.emit('store.changed', { what: 'jobs', id: job.id });
  const started = await served.backend.dispatch('classify.start', { runId: b.runId, root: repo });
  assert.ok(started.ok);
  const second = (started.result as { id: number }).id;
  await page.getByTestId('classify-job-row').nth(1).waitFor();
  await page.locator('[data-testid="classify-job-row"]').first().locator('.badge.finished').waitFor({ timeout: 90_000 });
  assert.match(((await page.getByTestId('classify-job-row').first().textContent()) ?? '').replace(/\s+/g, ' '), /model B/);
  const done = listJobs(db).find((j) => j.id === second)!;
  assert.match(((await page.getByTestId('classify-job-row').first().textContent()) ?? '').replace(/\s+/g, ' '), new RegExp(`${done.filesDone} / ${done.filesTotal}`));
  // One read for the new job; none for the store change or the job's end.
  assert.equal(listReads - readsBefore, 1);
  await shot(page, 'classify-list-live-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-list-live-dark');
  errors.check();
  await page.close();
});
