// The whole point-and-click loop against the real service and trainer: add the small benchmark
// dataset, start a tiny run from the form, watch it train, read its evaluation down to a file's code, cancel a second run,
// then classify the dataset's folder with the first run's model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/temp.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCES = process.env.LANGLAB_BENCH_SRC ?? '/var/cache/langlab-bench/src';
/** The recipe's Debian sources are installed by scripts/install-bench-deps.sh (CI runs it). */
const noSources = !existsSync(SOURCES) && !process.env.CI ? `the benchmark sources are not installed (${SOURCES}); run scripts/install-bench-deps.sh` : false;

/** The small benchmark dataset (about 40 files of each of the 8 reference languages), built by its recipe. */
function buildSmallBenchmark(): string {
  const out = path.join(tempDir(), 'bench-small');
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-dataset.ts', '--out', out, '--small'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  return out;
}

async function fillTinyModel(page: Page, epochs: number): Promise<void> {
  const form = page.getByTestId('hyperparameters');
  const values: [string, string][] = [
    ['Model width', '32'],
    ['Layers', '1'],
    ['Attention heads', '2'],
    ['Feed-forward width', '64'],
    ['Max length', '96'],
    ['Batch size', '8'],
    ['Epochs', String(epochs)],
    ['Learning rate', '0.005'],
    ['Early-stopping patience', '0'],
    ['Validate every K steps', '25'],
  ];
  for (const [label, value] of values) await form.getByLabel(label, { exact: true }).fill(value);
}

const badge = (page: Page, status: string) => page.locator(`.facts .badge.${status.toLowerCase()}`);

test('add the small benchmark dataset, train a tiny model from the form, watch it, open its confusion matrix down to a file, cancel a second run', { skip: skip || noSources, timeout: 300_000 }, async (t) => {
  const served = await serve();
  const benchmark = buildSmallBenchmark();
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  page.setDefaultTimeout(60_000);

  // The small benchmark dataset, added through the Datasets section's path field.
  await page.goto(at(served, '/datasets'));
  await page.getByRole('link', { name: 'Add dataset' }).first().click();
  await page.getByTestId('add-dataset-form').waitFor();
  await page.getByLabel('Dataset folder').fill(benchmark);
  await page.getByTestId('add-dataset-submit').click();
  await page.getByTestId('dataset-facts').waitFor();
  assert.match((await page.getByTestId('dataset-facts').textContent()) ?? '', /8\s*classes/);
  await page.getByRole('link', { name: 'Train on it' }).click();
  await page.waitForURL(/#\/runs\/new\?dataset=\d+$/);
  await page.getByTestId('dataset-select').waitFor();
  await fillTinyModel(page, 12);
  await page.getByLabel('Run name').fill('tiny from the form');
  // Saved as a preset through the real store, then listed.
  await page.getByLabel('Preset name').fill('tiny scratch');
  await page.getByRole('button', { name: 'Save as preset' }).click();
  await page.getByLabel('Preset', { exact: true }).locator('option', { hasText: 'tiny scratch' }).waitFor({ state: 'attached' });
  await page.getByTestId('estimate').getByText('Trainable parameters').waitFor();
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/runs\/\d+$/);

  // The charts fill while the run is still RUNNING.
  await page.waitForFunction(
    () =>
      document.querySelector('.facts .badge.running') !== null &&
      Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) > 2 &&
      document.querySelector('[data-testid="chart-loss"] canvas') !== null,
  );
  await shot(page, 'flow-training');
  await badge(page, 'FINISHED').waitFor({ timeout: 180_000 });

  // Its evaluation, a cell's files and one file's code.
  const matrix = page.getByTestId('confusion-matrix');
  await matrix.waitFor();
  const report = await page.getByTestId('classification-report').textContent();
  assert.match(report ?? '', /cpp.*groovy.*java.*javascript.*json.*python.*xml.*yml/s);
  // The fullest diagonal cell: with held-out test projects a tiny model may miss a whole class.
  const diagonal = await matrix.locator('[data-row]').evaluateAll((cells) =>
    cells
      .filter((c) => c.getAttribute('data-row') === c.getAttribute('data-col'))
      .map((c) => ({ label: c.getAttribute('data-row')!, n: Number(c.querySelector('text.value')?.textContent?.trim() || 0) }))
      .sort((a, b) => b.n - a.n)[0],
  );
  assert.ok(diagonal && diagonal.n > 0, 'the tiny model gets some test files right');
  await matrix.locator(`[data-row="${diagonal.label}"][data-col="${diagonal.label}"]`).click();
  const files = page.getByTestId('cell-files');
  await files.getByTestId('cell-file').first().waitFor();
  await files.getByTestId('cell-file').first().click();
  // Its code shows (whichever language the cell holds, so no particular character is expected).
  await page.getByTestId('file-viewer').getByTestId('code-view').waitFor();
  await page.waitForFunction(() => (document.querySelector('[data-testid="file-viewer"] [data-testid="code-view"]')?.textContent ?? '').trim().length > 0);
  await shot(page, 'flow-finished');

  // A second run from Re-run, long enough to cancel while it trains.
  await page.getByRole('link', { name: 'Re-run' }).click();
  await page.getByTestId('form-note').waitFor();
  await page.getByTestId('hyperparameters').getByLabel('Epochs', { exact: true }).fill('1000');
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/runs\/\d+$/);
  // Cancelled once training steps ran, so a checkpoint exists to resume from.
  await page.getByTestId('run-progress').getByText(/step [1-9]\d* of/).waitFor();
  await page.getByTestId('cancel-run').click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel run' }).click();
  await badge(page, 'KILLED').waitFor();
  // Resumed from its checkpoint under the same id, then cancelled again.
  const killedUrl = page.url();
  await page.getByRole('button', { name: 'Resume' }).click();
  await badge(page, 'RUNNING').waitFor();
  assert.equal(page.url(), killedUrl);
  await page.getByTestId('cancel-run').click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel run' }).click();
  await badge(page, 'KILLED').waitFor();
  await page.getByRole('link', { name: '← All runs' }).click();
  await page.getByTestId('runs-count').getByText('2 runs').waitFor();
  assert.equal(await page.getByTestId('run-row').filter({ hasText: 'KILLED' }).count(), 1);
  assert.equal(await page.getByTestId('run-row').filter({ hasText: 'FINISHED' }).count(), 1);
  await shot(page, 'flow-runs');

  // The finished run's model classifies the benchmark folder: breakdown, disagreements, files.
  await page.getByTestId('run-row').filter({ hasText: 'FINISHED' }).getByRole('link').first().click();
  await page.getByRole('link', { name: 'Classify a folder' }).click();
  await page.getByTestId('classify-form').waitFor();
  const choices = await page.getByTestId('classify-run').locator('option').allTextContents();
  assert.deepEqual(choices.map((c) => /tiny from the form/.test(c)), [true], 'only the finished run offers its model');
  await page.getByLabel('Folder to classify').fill(benchmark);
  await page.getByTestId('classify-start').click();
  await page.waitForURL(/#\/classify\/\d+$/);
  await page.locator('[data-testid="job-meta"] .badge.finished').waitFor({ timeout: 120_000 });
  const languages = page.getByTestId('breakdown').locator('tbody tr');
  assert.ok((await languages.count()) >= 3, 'a trained model tells several languages apart');
  const meta = (await page.getByTestId('job-meta').textContent()) ?? '';
  const classified = Number(/([\d,]+)\s*files classified/.exec(meta)?.[1].replace(/,/g, ''));
  assert.ok(classified >= 300, `${classified} files classified`);
  await page.getByTestId('results').locator('tbody tr').first().waitFor();
  await shot(page, 'classify-job');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-job-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // Filtering by one language lists only its files.
  const first = languages.first();
  const chosen = (await first.locator('button').textContent())!.trim();
  await first.locator('button').click();
  const expected = Number((await first.locator('td.num').first().textContent())!.replace(/\D/g, ''));
  // The filtered page has replaced the whole list once its count reads that language's total.
  await page.getByTestId('results').locator('xpath=..').getByText(new RegExp(`of ${expected.toLocaleString('en-US')}$`)).waitFor();
  const shown = await page.getByTestId('results').locator('tbody tr td:nth-child(2)').allTextContents();
  assert.ok(shown.length === Math.min(expected, 100) && shown.every((l) => l === chosen), `only ${chosen} files: ${shown.slice(0, 5).join(', ')}`);
  await page.getByRole('link', { name: 'All jobs' }).click();
  await page.getByTestId('classify-jobs').getByText(benchmark).waitFor();
  await shot(page, 'classify-list');
  // Deleting the job (after a confirmation) removes it from the list.
  await page.getByTestId('classify-jobs').getByRole('link').first().click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete job' }).click();
  await page.getByTestId('classify-form').waitFor();
  assert.equal(await page.getByTestId('classify-jobs').count(), 0);
  errors.check();
  await page.close();
});
