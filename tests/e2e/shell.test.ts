import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { tempDir } from '../helpers/temp.ts';
import { SHOTS, skip, useBrowser } from './browser-helpers.ts';

const emptyHome = tempDir();
const fullHome = tempDir();
const { browser: currentBrowser, serve } = useBrowser();

test('an empty store shows what to do next in every section', { skip }, async () => {
  const { server } = await serve(emptyHome);
  const page = await currentBrowser().newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const failed: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'No datasets yet' }).waitFor();
  // The page names its icon, so no browser asks for a /favicon.ico that is not there.
  const icon = await page.locator('link[rel="icon"]').evaluate((el: HTMLLinkElement) => el.href);
  const iconResponse = await page.request.get(icon);
  assert.equal(iconResponse.status(), 200);
  assert.equal(iconResponse.headers()['content-type'], 'image/svg+xml');
  assert.deepEqual(failed, []);
  for (const [section, heading] of [['Runs', 'No runs yet'], ['Compare', 'Nothing to compare yet'], ['Classify', 'No trained model yet']]) {
    await page.getByRole('link', { name: section, exact: true }).click();
    await page.getByRole('heading', { name: heading }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, `empty-${section.toLowerCase()}.png`) });
  }
  await page.getByRole('link', { name: 'About', exact: true }).click();
  await page.getByTestId('store-path').waitFor();
  assert.equal(await page.getByTestId('store-path').textContent(), path.join(emptyHome, 'langlab.db'));
  // The providers arrive apart from the rest: the backend checks each one on its device first.
  await page.getByTestId('about-providers').getByText('Always available.').waitFor();
  assert.match((await page.getByTestId('about-providers').textContent()) ?? '', /cpu/);
  await page.screenshot({ path: path.join(SHOTS, 'about.png') });
  // A file dropped on the window: the page stays (no navigation to the file) and, since browser
  // mode is never told where a dropped folder lives, Classify says to type the path.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['x = 1\n'], 'project', { type: '' }));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
  });
  await page.getByTestId('dropped-note').waitFor();
  assert.match(page.url(), /#\/classify\?dropped=1$/);
  assert.match((await page.getByTestId('dropped-note').textContent()) ?? '', /type its path/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('sections read real data from the store, in light and dark themes', { skip }, async () => {
  const { backend, server } = await serve(fullHome);
  const ds = seedDataset(backend.store.db, 'reference-8');
  seedFinishedRun(backend.store.db, ds, 'small-lr', 1e-5, ['sweep']);
  const second = seedFinishedRun(backend.store.db, ds, 'large-lr', 1e-4);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await currentBrowser().newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    await page.goto(server.url);
    await page.getByTestId('dataset-card').waitFor();
    assert.match((await page.getByTestId('dataset-card').textContent()) ?? '', /reference-8.*python/s);
    await page.screenshot({ path: path.join(SHOTS, `datasets-${scheme}.png`) });

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByTestId('runs-table').getByText('large-lr').waitFor();
    await page.getByPlaceholder(/Filter by name/).fill('small');
    await page.getByTestId('runs-table').getByText('large-lr').waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(SHOTS, `runs-${scheme}.png`) });

    await page.goto(server.url.replace('/?', '/?') + `#/runs/${second}`);
    await page.getByTestId('classification-report').waitFor();
    assert.match((await page.getByTestId('classification-report').textContent()) ?? '', /weighted avg/);
    await page.screenshot({ path: path.join(SHOTS, `run-detail-${scheme}.png`), fullPage: true });

    await page.goto(server.url + `#/compare?runs=1,${second}`);
    await page.getByTestId('param-diff').waitFor();
    assert.match((await page.getByTestId('param-diff').textContent()) ?? '', /Learning rate/);
    await page.locator('canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, `compare-${scheme}.png`) });
    // The picker lists every run (virtualised) and filters them by text.
    assert.match((await page.getByTestId('compare-count').textContent()) ?? '', /runs?, 2 selected/);
    await page.getByLabel('Filter runs to compare').fill('large-lr');
    await page.getByTestId('compare-count').getByText(/^\s*1 run, 2 selected/).waitFor();
    assert.equal(await page.getByTestId('compare-picker').locator('label').count(), 1);
    // A filter that matches nothing keeps the picker (and its filter box) on screen.
    await page.getByLabel('Filter runs to compare').fill('no such run');
    await page.getByTestId('compare-picker').getByText('No run matches “no such run”.').waitFor();
    await page.getByLabel('Filter runs to compare').fill('');
    await page.getByTestId('compare-count').getByText(/^\s*2 runs, 2 selected/).waitFor();
    await page.close();
  }
});
