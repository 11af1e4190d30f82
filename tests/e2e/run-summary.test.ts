import assert from 'node:assert/strict';
import { test } from 'node:test';
import { saveEvaluation } from '../../main/store/evaluations.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();
const LABELS = ['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml'];

/** A finished run whose model answers xml for every test file: 12.5 %, chance level for 8 classes. */
function seedCollapsedRun(db: Parameters<typeof seedDataset>[0], datasetId: number): number {
  const id = createRun(db, { name: 'all-xml', datasetId, modelKind: 'scratch', params: { learning_rate: 1e-6, epochs: 1 }, tags: [], startTime: Date.now() - 30_000 });
  const xml = LABELS.indexOf('xml');
  saveEvaluation(db, id, {
    split: 'test',
    labels: LABELS,
    rows: LABELS.map((label) => ({ label, precision: label === 'xml' ? 0.125 : 0, recall: label === 'xml' ? 1 : 0, f1: label === 'xml' ? 0.222222 : 0, support: 10 })),
    macro: { precision: 0.015625, recall: 0.125, f1: 0.027778, support: 80 },
    weighted: { precision: 0.015625, recall: 0.125, f1: 0.027778, support: 80 },
    accuracy: 0.125,
    confusion: LABELS.map(() => LABELS.map((_, j) => (j === xml ? 10 : 0))),
  });
  setRunStatus(db, id, 'FINISHED');
  return id;
}

test('test results in the runs list and a summary strip on the run page; a chance-level model is flagged with advice', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'reference-8');
  const good = seedFinishedRun(db, ds, 'useful-model', 1e-4);
  const collapsed = seedCollapsedRun(db, ds);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 860 }, colorScheme: scheme });
    const errors = collectErrors(page);

    // The runs list: test accuracy and macro F1 columns, and a flag on the useless model.
    await page.goto(at(served, '/runs'));
    const row = (name: string) => page.getByTestId('run-row').filter({ hasText: name });
    await row('all-xml').waitFor();
    assert.match((await row('useful-model').textContent()) ?? '', /96\.3%\s*0\.952/);
    assert.equal(await row('useful-model').getByTestId('model-warning').count(), 0);
    const flag = row('all-xml').getByTestId('model-warning');
    assert.match((await flag.getAttribute('title')) ?? '', /predicts xml for 100\.0 % of the test files.*more epochs, a higher learning rate, or more training data/);
    const overflow = await page.getByTestId('runs-scroller').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `the runs table is ${overflow}px wider than its card`);
    await shot(page, `runs-test-columns-${scheme}`);

    // The useless run's page says so at the top.
    await page.goto(at(served, `/runs/${collapsed}`));
    await page.getByTestId('run-summary').waitFor();
    assert.match((await page.getByTestId('model-warning').textContent()) ?? '', /collapsed onto one class.*What usually helps: more epochs/);
    await shot(page, `run-collapsed-${scheme}`);

    // A useful run: the summary strip, no warning, smoothed training line with the raw one faint.
    await page.goto(at(served, `/runs/${good}`));
    const strip = page.getByTestId('run-summary');
    await strip.getByText('val loss').waitFor();
    const text = (await strip.textContent())?.replace(/\s+/g, ' ') ?? '';
    assert.match(text, /Test accuracy 96\.30%/);
    assert.match(text, /Macro F1 0\.9522/);
    assert.match(text, /Weakest class json F1 0\.909/);
    assert.match(text, /Best epoch 3 val loss/);
    assert.equal(await page.getByTestId('model-warning').count(), 0);
    const stripTop = await strip.evaluate((el) => el.getBoundingClientRect().top);
    const chartTop = await page.getByTestId('chart-loss').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(stripTop < chartTop, 'the summary sits above the charts');
    await page.getByTestId('chart-loss').locator('canvas').waitFor();
    await shot(page, `run-summary-${scheme}`);

    // Clicking a confusion cell brings its files into view.
    await page.locator('main').evaluate((el) => (el.scrollTop = 0));
    await page.getByTestId('confusion-matrix').locator('[data-row="java"][data-col="json"]').click();
    const files = page.getByTestId('cell-files');
    await files.waitFor();
    await page.waitForFunction(() => {
      const box = document.querySelector('[data-testid="cell-files"]')!.getBoundingClientRect();
      return box.top >= 0 && box.top < window.innerHeight - 40;
    });
    errors.check();
    await page.close();
  }
});

/** WCAG relative luminance of an sRGB colour given as 0-255 channels. */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
const contrast = (a: number[], b: number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

test('a single error in the confusion matrix stands out from an empty cell, and its number is readable, in both themes', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const run = seedFinishedRun(db, seedDataset(db, 'reference-8'), 'one-error');
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 860 }, colorScheme: scheme });
    await page.goto(at(served, `/runs/${run}`));
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.scrollIntoViewIfNeeded();
    // A cell's colour as shown on screen: a pixel near its corner (clear of its number), read back in the page.
    const pixel = async (cell: string) => {
      const box = (await matrix.locator(`${cell} rect.bg`).boundingBox())!;
      const png = await page.screenshot({ clip: { x: box.x + 4, y: box.y + 4, width: 1, height: 1 } });
      return page.evaluate(async (bytes) => {
        const image = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.drawImage(image, 0, 0);
        return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      }, [...png]);
    };
    // A number's colour: its computed fill painted on a canvas and read back as RGB.
    const rgb = (cell: string, part: string) =>
      matrix.locator(`${cell} ${part}`).first().evaluate((el) => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.fillStyle = getComputedStyle(el).fill;
        ctx.fillRect(0, 0, 1, 1);
        return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      });
    const error = '[data-row="java"][data-col="json"]'; // 1 file of a matrix whose largest cell is 12
    const empty = '[data-row="java"][data-col="python"]';
    const errorFill = await pixel(error);
    const emptyFill = await pixel(empty);
    const errorText = await rgb(error, 'text');
    assert.ok(contrast(errorFill, emptyFill) >= 2, `${scheme}: error cell ${errorFill} against empty ${emptyFill}: ${contrast(errorFill, emptyFill).toFixed(2)}:1`);
    assert.ok(contrast(errorFill, errorText) >= 4.5, `${scheme}: its number ${errorText}: ${contrast(errorFill, errorText).toFixed(2)}:1`);
    const strongest = await pixel('[data-row="python"][data-col="python"]');
    const strongText = await rgb('[data-row="python"][data-col="python"]', 'text');
    assert.ok(contrast(strongest, strongText) >= 4.5, `${scheme}: the fullest cell's number: ${contrast(strongest, strongText).toFixed(2)}:1`);
    await matrix.screenshot({ path: `${process.cwd()}/test-results/screenshots/confusion-matrix-${scheme}.png` });
    await page.close();
  }
});
