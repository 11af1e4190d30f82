import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startBackend, type Backend } from '../../main/api/backend.ts';
import { RENDERER_DIST } from '../../main/server/browser-mode.ts';
import { startServer, type RunningServer } from '../../main/server/server.ts';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { tempDir } from '../helpers/temp.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
// In CI a missing browser fails the run; on a developer machine without it the file is skipped.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? 'Debian chromium is not installed (apt-get install chromium)' : false;

const emptyHome = tempDir();
const fullHome = tempDir();
let browser: Browser;
const servers: { backend: Backend; server: RunningServer }[] = [];

async function serve(home: string) {
  const backend = startBackend({ runtime: 'browser', dataDir: home });
  const server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir: RENDERER_DIST, port: 0 });
  servers.push({ backend, server });
  return { backend, server };
}

before(async () => {
  if (skip) return;
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package`);
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  for (const { backend, server } of servers) {
    await server.close();
    backend.close();
  }
});

test('an empty store shows what to do next in every section', { skip }, async () => {
  const { server } = await serve(emptyHome);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'No datasets yet' }).waitFor();
  for (const [section, heading] of [['Runs', 'No runs yet'], ['Compare', 'Nothing to compare yet'], ['Classify', 'No classification jobs yet']]) {
    await page.getByRole('link', { name: section, exact: true }).click();
    await page.getByRole('heading', { name: heading }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, `empty-${section.toLowerCase()}.png`) });
  }
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('store-path').waitFor();
  assert.equal(await page.getByTestId('store-path').textContent(), path.join(emptyHome, 'langlab.db'));
  assert.match((await page.getByTestId('settings-providers').textContent()) ?? '', /cpu/);
  await page.screenshot({ path: path.join(SHOTS, 'settings.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('sections read real data from the store, in light and dark themes', { skip }, async () => {
  const { backend, server } = await serve(fullHome);
  const ds = seedDataset(backend.store.db, 'reference-8');
  seedFinishedRun(backend.store.db, ds, 'small-lr', 1e-5, ['sweep']);
  const second = seedFinishedRun(backend.store.db, ds, 'large-lr', 1e-4);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
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
    assert.match((await page.getByTestId('param-diff').textContent()) ?? '', /learning_rate/);
    await page.locator('canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, `compare-${scheme}.png`) });
    await page.close();
  }
});
