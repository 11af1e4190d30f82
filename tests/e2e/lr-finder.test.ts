// The learning-rate finder from the New Run form, against the real service and trainer, on the
// small benchmark dataset: the ramp is checked in the form, a tiny model's loss is drawn against a
// growing learning rate, "Use this" fills the learning rate, and the finder run is stored: after a
// reload it is listed, opens with its chart again, and still fills the form. It creates no run.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { datasetFromFolder } from '../../main/data/from-folder.ts';
import { saveDataset } from '../../main/store/dataset-save.ts';
import { smallDatasetFolder } from './bench-data.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

test('the finder on the New Run form checks its ramp, draws loss against learning rate, fills the form, and is listed and shown again after a reload', { skip, timeout: 300_000 }, async () => {
  const served = await serve();
  const datasetId = saveDataset(served.backend.store.db, await datasetFromFolder(smallDatasetFolder(), {}));
  const call = async (name: string, args: unknown) => {
    const answer = await served.backend.dispatch(name as never, args as never);
    assert.ok(answer.ok, JSON.stringify(answer));
    return answer.result as Record<string, unknown>;
  };

  const page = await browser().newPage({ viewport: { width: 1360, height: 1400 } });
  const errors = collectErrors(page);
  page.setDefaultTimeout(60_000);
  await page.goto(at(served, `/runs/new?dataset=${datasetId}`));
  await page.getByTestId('dataset-select').waitFor();
  const form = page.getByTestId('hyperparameters');
  for (const [label, value] of [['Model width', '16'], ['Layers', '1'], ['Attention heads', '2'], ['Feed-forward width', '32'], ['Max length', '32'], ['Batch size', '8']]) {
    await form.getByLabel(label, { exact: true }).fill(value);
  }
  const finder = page.getByTestId('lr-finder');
  assert.equal(await finder.getByTestId('lr-history').count(), 0, 'no past finder runs yet');

  // The ramp: the guide's defaults, and each wrong value named before anything starts.
  assert.deepEqual(
    [await finder.getByLabel('Finder start learning rate').inputValue(), await finder.getByLabel('Finder end learning rate').inputValue(), await finder.getByLabel('Finder steps').inputValue()],
    ['1e-7', '1', '100'],
  );
  await finder.getByLabel('Finder start learning rate').fill('1');
  await finder.getByLabel('Finder end learning rate').fill('0.1');
  await finder.getByLabel('Finder steps').fill('3');
  const problems = finder.getByTestId('lr-ramp-problems');
  await problems.getByText('The start learning rate (1) must be below the end (0.1)', { exact: false }).waitFor();
  await problems.getByText('Steps: give a whole number from 5 to 2000; got "3".').waitFor();
  assert.equal(await finder.getByTestId('lr-start').isDisabled(), true, 'a wrong ramp blocks the start');
  await finder.scrollIntoViewIfNeeded();
  await shot(page, 'newrun-lr-ramp-invalid');
  await finder.getByLabel('Finder start learning rate').fill('1e-6');
  await finder.getByLabel('Finder end learning rate').fill('10');
  await finder.getByLabel('Finder steps').fill('30');
  await problems.waitFor({ state: 'detached' });

  await finder.getByTestId('lr-start').click();
  await finder.getByTestId('lr-result').waitFor({ timeout: 240_000 });
  const suggested = (await finder.getByTestId('lr-suggested').textContent())!.trim();
  assert.match(suggested, /^\d\.\de[-+]\d+$/);
  const drawn = Number(await finder.locator('[data-drawn]').getAttribute('data-drawn'));
  assert.ok(drawn > 10, 'the curve is drawn');
  const history = finder.getByTestId('lr-history');
  await history.getByTestId('lr-history-row').first().waitFor();
  const stored = (await call('lrFind.list', {})) as unknown as { total: number; items: { id: number; status: string; minLr: number; maxLr: number; steps: number }[] };
  assert.equal(stored.total, 1);
  const [run] = stored.items;
  assert.deepEqual([run.status, run.minLr, run.maxLr, run.steps], ['FINISHED', 1e-6, 10, 30], 'the finder run is stored with the ramp the form set');
  assert.equal(await finder.getByTestId('lr-run').getAttribute('data-id'), String(run.id));
  await finder.scrollIntoViewIfNeeded();
  await shot(page, 'newrun-lr-finder-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'newrun-lr-finder-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await finder.getByTestId('lr-use').click();
  const lr = Number(await form.getByLabel('Learning rate', { exact: true }).inputValue());
  assert.ok(Math.abs(Math.log10(lr) - Math.log10(Number(suggested))) < 0.05, `the form's learning rate ${lr} is the suggestion ${suggested}`);

  // After a reload the finder run is still listed; opened, its chart and "Use this" come back.
  await page.reload();
  await page.getByTestId('dataset-select').waitFor();
  const row = finder.getByTestId('lr-history-row');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  assert.equal(await row.first().getAttribute('data-id'), String(run.id));
  assert.equal(await finder.getByTestId('lr-run').count(), 0, 'nothing is open until asked');
  await form.getByLabel('Learning rate', { exact: true }).fill('0.5');
  await row.first().getByTestId('lr-history-open').click();
  await finder.getByTestId('lr-run').waitFor();
  assert.equal((await finder.getByTestId('lr-suggested').textContent())!.trim(), suggested);
  assert.equal(Number(await finder.locator('[data-drawn]').getAttribute('data-drawn')), drawn, 'the same curve is drawn again');
  await finder.scrollIntoViewIfNeeded();
  await shot(page, 'newrun-lr-finder-reopened-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'newrun-lr-finder-reopened-dark');
  await finder.getByTestId('lr-use').click();
  assert.equal(Number(await form.getByLabel('Learning rate', { exact: true }).inputValue()), lr, 'Use this fills the form from the stored run');

  // A cancelled finder run is listed KILLED beside the finished one.
  await finder.getByLabel('Finder steps').fill('2000');
  await finder.getByTestId('lr-start').click();
  await finder.getByTestId('lr-cancel').click();
  await finder.getByTestId('lr-start').waitFor();
  await row.first().locator('.badge.killed').waitFor();
  assert.equal(await row.count(), 2);
  assert.equal(await row.nth(1).getAttribute('data-id'), String(run.id));

  // A finder run is no training run and leaves no checkpoint.
  assert.equal((await call('runs.list', {})).total, 0, 'the finder creates no run');
  const runsDir = path.join(served.backend.dataDir, 'artifacts', 'runs');
  assert.deepEqual(existsSync(runsDir) ? readdirSync(runsDir) : [], [], 'no checkpoint');
  errors.check();
  await page.close();
});
