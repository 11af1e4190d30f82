import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logMetrics } from '../../main/store/metrics.ts';
import { createRun } from '../../main/store/runs.ts';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

test('Compare fits the window with 8 runs: long values shortened, copied whole; x-axis by step, epoch or time', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'reference-8');
  const fingerprint = 'a1b2c3d4e5f6'.repeat(5) + 'ffff';
  const ids: number[] = [];
  for (let i = 0; i < 8; i++) {
    const id = seedFinishedRun(db, ds, `scratch-long-run-name-${i}`, [1e-5, 2e-5, 3e-5, 5e-5, 1e-4, 2e-4, 3e-4, 5e-4][i], [], { dataset_fingerprint: fingerprint.slice(i) + String(i), model_source: `/home/user/models/CodeBERTa-small-v1-${i}` });
    // A one-point summary, as the trainer writes at the end: no curve for it in the menu.
    logMetrics(db, id, [{ key: 'wall_seconds', step: 300, value: 42 + i }]);
    ids.push(id);
  }
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 860 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await page.goto(at(served, `/compare?runs=${ids.join(',')}`));
    const table = page.getByTestId('param-diff');
    await table.getByText('Dataset fingerprint').waitFor();
    await page.locator('canvas').first().waitFor();
    await page.getByTestId('compare-evaluations').waitFor();

    // Nothing on the page scrolls sideways; the parameter table scrolls inside its own card.
    const sideways = await page.evaluate(() => {
      const main = document.querySelector('main')!;
      return { main: main.scrollWidth - main.clientWidth, doc: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    assert.deepEqual(sideways, { main: 0, doc: 0 }, 'the page scrolls sideways');

    await shot(page, `compare-8-runs-${scheme}`);

    // A long value shows its first 12 characters; the tooltip and a copy give all of it.
    const cell = table.locator('tr', { hasText: 'Dataset fingerprint' }).locator('td').nth(1);
    assert.equal(await cell.textContent(), `${fingerprint.slice(0, 12)}…`);
    assert.equal(await cell.getAttribute('title'), fingerprint + '0');
    const copied = await cell.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      const event = new ClipboardEvent('copy', { clipboardData: new DataTransfer(), bubbles: true, cancelable: true });
      el.dispatchEvent(event);
      const text = event.clipboardData!.getData('text/plain');
      getSelection()!.removeAllRanges();
      return text;
    });
    assert.equal(copied, fingerprint + '0');

    // The metric menu names curves as people do and leaves out one-point summaries.
    const options = await page.getByLabel('Metric').locator('option').allTextContents();
    assert.deepEqual(options, ['Training loss', 'Validation accuracy', 'Validation loss']);
    assert.equal(await page.getByLabel('Metric').inputValue(), 'val_loss');

    // The x-axis counts steps, epochs or seconds.
    assert.deepEqual(await page.getByLabel('x-axis').locator('option').allTextContents(), ['Step', 'Epoch', 'Time since start']);
    await page.getByLabel('x-axis').selectOption('epoch');
    await page.getByLabel('x-axis').selectOption('time');
    assert.equal(await page.locator('[data-drawn]').first().getAttribute('data-drawn'), String(8 * 4));
    await page.getByLabel('x-axis').selectOption('epoch');
    await shot(page, `compare-epoch-axis-${scheme}`);
    errors.check();
    await page.close();
  }
});

test('The picker holds every run, not 200: virtualised and filterable', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'reference-8');
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) createRun(db, { name: `picker-${String(i).padStart(4, '0')}`, datasetId: ds, modelKind: 'scratch', params: {}, tags: [], startTime: Date.UTC(2026, 0, 1) + i * 60_000 });
  })();
  const page = await browser().newPage({ viewport: { width: 1360, height: 860 } });
  const errors = collectErrors(page);
  await page.goto(at(served, '/compare'));
  await page.getByTestId('compare-count').getByText('1000 runs').waitFor();
  const picker = page.getByTestId('compare-picker');
  assert.ok((await picker.locator('label').count()) < 60, 'only the rows in view are in the DOM');
  // The oldest run, far past 200, is reached by scrolling and by filtering.
  await picker.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await picker.getByText('picker-0000').waitFor();
  await page.getByLabel('Filter runs to compare').fill('picker-0003');
  await page.getByTestId('compare-count').getByText(/^\s*1 run\s*$/).waitFor();
  errors.check();
  await page.close();
});
