// A real tiny run from the New Run form, for what a user reads about time and the first steps: the
// estimate before any run (a rough model), the first loss point after step 1, the learning rate of
// every step kept once the run ends, and the estimate for the same settings afterwards, calibrated
// on that run, within 2x of the time it took.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { MetricSeries, RunDetail } from '../../preload/contract.ts';
import { datasetFromFolder } from '../../main/data/from-folder.ts';
import { saveDataset } from '../../main/store/dataset-save.ts';
import { ok } from '../helpers/dispatch.ts';
import { tempDir } from '../helpers/temp.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

/** Three easy "languages", 20 files each (each file unique, so none is dropped as a duplicate). */
function tinyFolder(): string {
  const root = path.join(tempDir(), 'tiny');
  const classes: Record<string, (i: number) => string> = {
    curly: (i) => `function f${i}() {\n  return { a: ${i}, b: [${i}, ${i + 1}] };\n}\n`.repeat(1 + (i % 3)),
    hash: (i) => `# note ${i}\nvalue_${i} = ${i * 7}\nprint(value_${i})\n`.repeat(1 + (i % 2)),
    angle: (i) => `<item id="${i}">\n  <name>n${i}</name>\n</item>\n`.repeat(1 + (i % 4)),
  };
  for (const [label, make] of Object.entries(classes)) {
    fs.mkdirSync(path.join(root, label), { recursive: true });
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(root, label, `f${i}.txt`), make(i));
  }
  return root;
}

async function fillTinyModel(page: Page): Promise<void> {
  const form = page.getByTestId('hyperparameters');
  const values: [string, string][] = [
    ['Model width', '16'],
    ['Layers', '1'],
    ['Attention heads', '2'],
    ['Feed-forward width', '32'],
    ['Max length', '48'],
    ['Batch size', '4'],
    ['Epochs', '3'],
    ['Early-stopping patience', '0'],
  ];
  for (const [label, value] of values) await form.getByLabel(label, { exact: true }).fill(value);
}

const estimateOf = async (page: Page) => {
  const box = page.getByTestId('estimate');
  await page.waitForFunction(() => document.querySelector('[data-testid="estimate"]')?.getAttribute('data-total-high') && document.querySelector('[data-testid="estimate"]')?.getAttribute('aria-busy') === 'false');
  return { low: Number(await box.getAttribute('data-total-low')), high: Number(await box.getAttribute('data-total-high')), basis: await box.getAttribute('data-basis'), text: (await box.textContent()) ?? '' };
};

test('a tiny run: first loss point at step 1, every step of the learning rate kept, and the next estimate within 2x of the time it took', { skip, timeout: 240_000 }, async (t) => {
  const served = await serve();
  const datasetId = saveDataset(served.backend.store.db, await datasetFromFolder(tinyFolder(), {}));
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  page.setDefaultTimeout(60_000);

  // With a dataset picked the estimate never asks for one; with nothing trained yet it is the rough model.
  await page.goto(at(served, `/runs/new?dataset=${datasetId}`));
  await page.getByTestId('dataset-select').waitFor();
  await fillTinyModel(page);
  const before = await estimateOf(page);
  assert.doesNotMatch(before.text, /Pick a dataset/);
  assert.equal(before.basis, 'model');
  assert.ok(before.low <= before.high);
  await page.getByLabel('Run name').fill('timed');
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/runs\/\d+$/);
  const runId = Number(/runs\/(\d+)$/.exec(page.url())![1]);
  await page.locator('.facts .badge.finished').waitFor({ timeout: 180_000 });

  // The final stored history: loss from step 1, and the learning rate at every step the run took.
  const run = await ok<RunDetail>(served.backend, 'runs.get', { id: runId });
  const series = await ok<MetricSeries[]>(served.backend, 'runs.metrics', { runIds: [runId] });
  const stepsOf = (key: string) => series.find((s) => s.key === key)!.points.map((p) => p.step);
  const steps = stepsOf('train_loss').at(-1)!;
  assert.ok(steps > 10, `${steps} steps`);
  assert.deepEqual(stepsOf('learning_rate'), Array.from({ length: steps }, (_, i) => i + 1));
  await page.waitForFunction(() => document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-first-step') === '1');
  assert.equal(await page.getByTestId('chart-lr').getAttribute('data-points'), String(steps));
  assert.equal(await page.getByTestId('chart-lr').getAttribute('data-first-step'), '1');

  await shot(page, 'run-timing-finished-light');

  // Re-run: the same settings, now estimated from this run.
  const took = run.latest.run_seconds!;
  assert.ok(took > 0);
  await page.getByRole('link', { name: 'Re-run' }).click();
  await page.getByTestId('form-note').waitFor();
  const after = await estimateOf(page);
  assert.equal(after.basis, 'measured');
  assert.match(after.text, /from a run of this model and length on this machine/);
  const middle = Math.sqrt(after.low * after.high);
  t.diagnostic(`took ${took.toFixed(1)} s; estimated before any run ${before.low}-${before.high} s, after it ${after.low}-${after.high} s`);
  assert.ok(middle <= 2 * took && middle >= took / 2, `estimate ${after.low}-${after.high} s against ${took.toFixed(1)} s measured`);
  await shot(page, 'run-timing-estimate-light');
  // Another length was never measured: the rough model, scaled by how this run went on this machine.
  await page.getByTestId('hyperparameters').getByLabel('Max length', { exact: true }).fill('64');
  await page.waitForFunction(() => document.querySelector('[data-testid="estimate"]')?.getAttribute('data-basis') === 'scaled');
  assert.match((await estimateOf(page)).text, /scaled by how fast an earlier run of other settings went on this machine/);
  errors.check();
  await page.close();

  const dark = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
  const darkErrors = collectErrors(dark);
  await dark.goto(at(served, `/runs/${runId}`));
  await dark.waitForFunction(() => document.querySelector('[data-testid="chart-lr"] canvas') !== null);
  await shot(dark, 'run-timing-finished-dark');
  await dark.goto(at(served, `/runs/new?from=${runId}`));
  await dark.getByTestId('form-note').waitFor();
  assert.equal((await estimateOf(dark)).basis, 'measured');
  await shot(dark, 'run-timing-estimate-dark');
  darkErrors.check();
  await dark.close();
});
