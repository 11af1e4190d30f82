// Classifying a folder with two runs, as a user does it in browser mode: pick a second run in the
// form, watch the job finish, read the two breakdowns side by side and what the label sets share,
// then the Disagreements list: filtered by label, paged and sorted in the store, a file's code
// with both predictions. The second menu never offers the first run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClassifiedFileInfo } from '../../preload/contract.ts';
import { getComparison } from '../../main/store/job-comparison.ts';
import { listJobs } from '../../main/store/jobs.ts';
import { pyJsTree, twoExportedRuns } from '../helpers/exported-run.ts';
import { seedDataset } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

test('a job with two runs shows both breakdowns side by side and lists the files where they disagree, with code and both predictions', { skip, timeout: 180_000 }, async () => {
  const served = await serve();
  const { db } = served.backend.store;
  const ds = seedDataset(db, 'bench');
  // The two untrained models agree on some files and disagree on others; A also says java, which B lacks.
  const { a, b } = twoExportedRuns(db, served.backend.dataDir, ds);
  const repo = pyJsTree(30);

  const page = await browser().newPage({ viewport: { width: 1360, height: 1000 } });
  const errors = collectErrors(page);
  await page.goto(at(served, '/classify'));
  await page.getByTestId('classify-run').locator('option').first().waitFor({ state: 'attached' });
  await page.getByTestId('classify-run').selectOption(String(a.runId));
  // The second menu never offers the first run.
  const seconds = await page.getByTestId('classify-second-run').locator('option').allTextContents();
  assert.ok(!seconds.some((o) => o.includes(`run ${a.runId} `) || o.endsWith(`run ${a.runId}`)), seconds.join(' | '));
  await page.getByTestId('classify-second-run').selectOption(String(b.runId));
  await page.getByLabel('Folder to classify').fill(repo);
  await shot(page, 'classify-form-two-runs-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-form-two-runs-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('classify-start').click();
  await page.waitForURL(/#\/classify\/\d+$/);
  await page.locator('[data-testid="job-meta"] .badge.finished').waitFor({ timeout: 90_000 });
  const [job] = listJobs(db);
  assert.equal(job.second?.runId, b.runId);
  const expected = getComparison(db, job.id)!;
  assert.ok(expected.disagreements > 0 && expected.compared > expected.disagreements, JSON.stringify(expected));

  // Both breakdowns, side by side, and what the label sets share.
  const comparison = page.getByTestId('model-comparison');
  await comparison.waitFor();
  const sideA = await page.getByTestId('breakdown-a').boundingBox();
  const sideB = await page.getByTestId('breakdown-b').boundingBox();
  assert.ok(sideA && sideB && Math.abs(sideA.y - sideB.y) < 2 && sideB.x > sideA.x + sideA.width - 1, 'A and B sit side by side');
  for (const [testid, side] of [['breakdown-a', expected.a], ['breakdown-b', expected.b]] as const) {
    const rows = page.getByTestId(testid).locator('tbody tr');
    assert.equal(await rows.count(), side.breakdown.length);
    for (const [i, r] of side.breakdown.entries()) assert.equal(Number((await rows.nth(i).locator('td.num').first().textContent())!.replace(/\D/g, '')), r.files);
  }
  const labelSets = ((await page.getByTestId('label-sets').textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(labelSets, /compared over the 2 both have \(javascript, python\)\. Only A has java\. Only B has ruby\./);
  assert.match(((await page.getByTestId('agreement').textContent()) ?? '').replace(/\s+/g, ' '), new RegExp(`Over the ${expected.compared} files .* they disagree on ${expected.disagreements} `));
  assert.match((await page.getByTestId('breakdown-a').textContent()) ?? '', expected.a.breakdown.some((r) => r.label === 'java') ? /java\s*\(only A\)/ : /./);

  // The Disagreements list: every row is a disagreement, the count is the store's; a label filters it.
  const list = page.getByTestId('model-disagreements');
  const rows = page.getByTestId('disagreement-rows').locator('tbody tr');
  await list.getByText(new RegExp(`of ${expected.disagreements}$`)).waitFor();
  const shown = Math.min(50, expected.disagreements);
  assert.equal(await rows.count(), shown);
  for (let i = 0; i < shown; i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    assert.notEqual(cells[1], cells[3], `row ${i} disagrees`);
    assert.ok(['javascript', 'python'].includes(cells[1]) && ['javascript', 'python'].includes(cells[3]), cells.join(' | '));
  }
  await shot(page, 'classify-two-models-light');
  await page.getByTestId('disagreement-label').selectOption('python');
  const filtered = await served.backend.dispatch('classify.disagreements', { id: job.id, label: 'python', limit: 1000 });
  assert.ok(filtered.ok);
  const pythonTotal = (filtered.result as { total: number }).total;
  await list.getByText(new RegExp(`of ${pythonTotal}$`)).waitFor();

  // A file opens its code with both predictions.
  await page.getByTestId('disagreement-sort').selectOption('confidence');
  const first = (filtered.result as { files: ClassifiedFileInfo[] }).files.sort((x, y) => Math.min(y.confidence, y.second!.confidence) - Math.min(x.confidence, x.second!.confidence) || (x.path < y.path ? -1 : 1))[0];
  await page.getByTestId('disagreement-file').first().filter({ hasText: first.path }).waitFor();
  await page.getByTestId('disagreement-file').first().click();
  const viewer = page.getByTestId('disagreement-viewer');
  await viewer.getByTestId('code-view').waitFor();
  await page.waitForFunction(() => /function|def /.test(document.querySelector('[data-testid="disagreement-viewer"] [data-testid="code-view"]')?.textContent ?? ''));
  const verdict = ((await viewer.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(verdict, new RegExp(`A says ${first.label} \\(${(100 * first.confidence).toFixed(1)}%\\)`));
  assert.match(verdict, new RegExp(`B says ${first.second!.label} \\(${(100 * first.second!.confidence).toFixed(1)}%\\)`));
  assert.equal(await viewer.getByTestId('ranked').count(), 2, 'both models\' ranked labels');
  await viewer.scrollIntoViewIfNeeded();
  await shot(page, 'classify-two-models-file-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await comparison.scrollIntoViewIfNeeded();
  await shot(page, 'classify-two-models-dark');

  // The list names both models of the job.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('link', { name: 'All jobs' }).click();
  await page.getByTestId('classify-jobs').waitFor();
  assert.match(((await page.getByTestId('classify-jobs').locator('tbody tr').first().textContent()) ?? '').replace(/\s+/g, ' '), /model A vs model B/);
  await shot(page, 'classify-two-models-list');
  errors.check();
  await page.close();
});
