// The Sweeps section against the real service and trainer: a value outside its range is named in
// the form and blocks the start; a 4-trial grid (2 learning rates x 2 dropouts) of a tiny model
// trains one trial at a time and names the best trial, with links to each run; a random search is
// cancelled (the rest dropped) and resumed from the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { datasetFromFolder } from '../../main/data/from-folder.ts';
import { saveDataset } from '../../main/store/dataset-save.ts';
import { smallDatasetFolder } from './bench-data.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

async function fillTinyModel(page: Page, epochs: number): Promise<void> {
  const form = page.getByTestId('hyperparameters');
  const values: [string, string][] = [
    ['Model width', '16'],
    ['Layers', '1'],
    ['Attention heads', '2'],
    ['Feed-forward width', '32'],
    ['Max length', '32'],
    ['Batch size', '16'],
    ['Epochs', String(epochs)],
    ['Early-stopping patience', '0'],
  ];
  for (const [label, value] of values) await form.getByLabel(label, { exact: true }).fill(value);
}

const sweepBadge = (page: Page, status: string) => page.locator(`.facts .badge.${status.toLowerCase()}`);

test('define a 4-trial grid sweep, watch it name the best trial, cancel and resume a random search', { skip, timeout: 300_000 }, async () => {
  const served = await serve();
  saveDataset(served.backend.store.db, await datasetFromFolder(smallDatasetFolder(), {}));
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  page.setDefaultTimeout(60_000);

  await page.goto(at(served, '/sweeps'));
  await page.getByTestId('empty-state').getByText('No sweeps yet').waitFor();
  await page.getByRole('link', { name: 'New sweep' }).click();
  await page.waitForURL(/#\/sweeps\/new$/);
  await page.getByTestId('dataset-select').waitFor();
  await fillTinyModel(page, 1);

  // Learning rate: two values; dropout: a value outside its range first.
  const axes = page.getByTestId('sweep-axes');
  await axes.getByLabel('Values of learning_rate').fill('0.001, 0.01');
  await page.getByTestId('add-axis').click();
  await axes.getByLabel('Hyperparameter').nth(1).selectOption('dropout');
  await axes.getByLabel('Values of dropout').fill('0, 0.95');
  await page.getByTestId('sweep-problems').getByText(/Grid value 0.95 of dropout: Dropout \(dropout\) must be a number 0 to 0.9, got 0.95/).waitFor();
  assert.equal(await page.getByTestId('start-sweep').isDisabled(), true, 'a value outside its range blocks the start');
  await shot(page, 'sweep-form-invalid');
  await axes.getByLabel('Values of dropout').fill('0, 0.1');
  await page.getByTestId('trial-count').getByText('4 trials · grid').waitFor();
  await page.getByLabel('Sweep name').fill('lr x dropout');
  await shot(page, 'sweep-form');
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweeps\/\d+$/);
  const gridUrl = page.url();

  // One trial at a time, then the best by validation loss.
  await page.getByTestId('trial-row').first().waitFor();
  assert.equal(await page.getByTestId('trial-row').count(), 4);
  await sweepBadge(page, 'FINISHED').waitFor({ timeout: 240_000 });
  await page.getByTestId('sweep-progress').getByText('4 of 4 trials done').waitFor();
  const rows = page.getByTestId('trial-row');
  assert.equal(await rows.filter({ hasText: 'FINISHED' }).count(), 4);
  const losses = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[4]?.textContent)));
  const best = await page.getByTestId('best-trial').textContent();
  assert.match(best ?? '', new RegExp(Math.min(...losses).toFixed(4)), 'the best trial has the lowest validation loss');
  assert.equal(await page.locator('tr.best').count(), 1);
  // The trials against the metric: one line per trial, an axis for each swept value and the metric.
  const pc = page.getByTestId('sweep-parallel').getByTestId('parallel-coordinates');
  assert.equal(await pc.getByTestId('pc-line').count(), 4);
  assert.ok((await pc.getByTestId('pc-axis').evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')))).includes('metric:val_loss'));
  await shot(page, 'sweep-finished');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'sweep-finished-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Each trial links to its run, a normal run tagged with the sweep.
  await rows.nth(2).getByRole('link').click();
  await page.waitForURL(/#\/runs\/\d+$/);
  await page.locator('.facts a.tag', { hasText: /^sweep-1$/ }).click();
  await page.waitForURL(gridUrl);

  // A random search, long enough to cancel while its first trial trains.
  await page.getByRole('link', { name: '← All sweeps' }).click();
  await page.getByTestId('sweep-row').first().waitFor();
  await page.getByRole('link', { name: 'New sweep' }).click();
  await page.getByTestId('dataset-select').waitFor();
  await fillTinyModel(page, 1000);
  await page.getByTestId('sweep-axes').getByRole('radio', { name: 'Range' }).check();
  await page.getByLabel('Trials', { exact: true }).fill('3');
  await page.getByLabel('Draw seed').fill('5');
  await page.getByTestId('trial-count').getByText('3 trials · random search').waitFor();
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweeps\/\d+$/);
  await page.getByTestId('trial-in-flight').getByText(/step [1-9]\d*\//).waitFor();
  await page.getByTestId('cancel-sweep').click();
  await sweepBadge(page, 'KILLED').waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('.badge')?.textContent)), ['KILLED', 'DROPPED', 'DROPPED']);
  await shot(page, 'sweep-cancelled');
  await page.getByTestId('resume-sweep').click();
  await sweepBadge(page, 'RUNNING').waitFor();
  await page.getByTestId('trial-in-flight').getByText(/Trial 1 is training/).waitFor();
  await page.getByTestId('cancel-sweep').click();
  await sweepBadge(page, 'KILLED').waitFor();
  await page.getByRole('link', { name: '← All sweeps' }).click();
  await page.getByTestId('sweep-row').nth(1).waitFor(); // the list loads after the page shows
  assert.equal(await page.getByTestId('sweep-row').count(), 2);
  await shot(page, 'sweeps-list');
  errors.check();
});
