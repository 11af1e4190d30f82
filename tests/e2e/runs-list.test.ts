import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunStatus } from '../../preload/contract.ts';
import { logMetrics } from '../../main/store/metrics.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';
import { seedDataset } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, stub, useBrowser, type Served } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

/** 1,000 runs an hour apart, newest last; every tenth KILLED, a few FAILED, with validation metrics. */
function seedThousand(served: Served): void {
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'reference-8');
  const start = Date.UTC(2026, 0, 1);
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) {
      const id = createRun(db, {
        name: `run-${String(i).padStart(4, '0')}`,
        datasetId: ds,
        modelKind: i % 3 === 0 ? 'pretrained' : 'scratch',
        modelSource: i % 3 === 0 ? '/models/CodeBERTa-small-v1' : '',
        params: { learning_rate: [1e-5, 2e-5, 5e-4][i % 3], batch_size: [8, 16, 32][i % 3], epochs: 3, max_length: 256 },
        tags: i % 50 === 0 ? ['sweep'] : [],
        startTime: start + i * 3_600_000,
      });
      const accuracy = 0.5 + ((i * 37) % 100) / 250;
      logMetrics(db, id, [
        { key: 'val_accuracy', step: 100, value: accuracy - 0.02 },
        { key: 'val_accuracy', step: 200, value: accuracy },
        { key: 'val_loss', step: 100, value: 2 - accuracy },
        { key: 'val_loss', step: 200, value: 1.9 - accuracy },
      ]);
      const status: RunStatus = i % 10 === 0 ? 'KILLED' : i % 17 === 0 ? 'FAILED' : 'FINISHED';
      setRunStatus(db, id, status, status === 'FAILED' ? 'Loss became NaN at step 12' : undefined, start + i * 3_600_000 + 600_000 + i * 1000);
    }
  })();
}

test('1,000 runs list fast: few rows in the DOM, sortable, filterable, with resume and delete', { skip }, async () => {
  const served = await serve();
  seedThousand(served);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 860 }, colorScheme: scheme });
    const errors = collectErrors(page);
    const deleted: number[] = [];
    await stub(page, 'runs.delete', (args) => (deleted.push(args.id), { id: args.id }));
    await page.goto(at(served, '/runs'));
    await page.getByTestId('runs-count').getByText('1,000 runs').waitFor();
    const rows = page.getByTestId('run-row');
    assert.equal(await rows.first().locator('td.name a').textContent(), 'run-0999', 'newest first');
    const inDom = await rows.count();
    assert.ok(inDom > 10 && inDom < 80, `${inDom} rows in the DOM for 1,000 runs`);
    await page.waitForFunction(() => document.querySelector('[data-testid="run-row"] td:nth-child(8)')?.textContent !== '—');
    await shot(page, `runs-list-${scheme}`);

    // Scrolling to the end brings the oldest run in without adding rows.
    await page.getByTestId('runs-scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.getByText('run-0000', { exact: true }).waitFor();
    assert.ok((await rows.count()) < 80);

    // Sorting: best validation accuracy (once every run's history has answered), highest first, then by name.
    await page.getByTestId('runs-scroller').evaluate((el) => (el.scrollTop = 0));
    await page.getByText('run-0999', { exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: /^Best acc/ }).click();
    const firstCell = (n: number) => rows.first().locator('td').nth(n).textContent();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-row"] td:nth-child(8)')?.textContent === '89.6%');
    assert.equal(await firstCell(7), '89.6%');
    await page.getByRole('button', { name: /^Run/ }).click();
    assert.equal(await rows.first().locator('td.name a').textContent(), 'run-0000');
    // A tagged, resumable row (two action buttons) still fits the page: no sideways scrolling.
    const overflow = await page.getByTestId('runs-scroller').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `the runs table is ${overflow}px wider than its card`);

    // Filters by text and by tag.
    await page.getByPlaceholder(/Filter by name/).fill('run-09');
    await page.getByTestId('runs-count').getByText('100 runs').waitFor();
    await page.getByPlaceholder(/Filter by name/).fill('');
    await page.getByLabel('Tag').selectOption('sweep');
    await page.getByTestId('runs-count').getByText('20 runs').waitFor();
    await page.getByLabel('Tag').selectOption('');
    await page.getByTestId('runs-count').getByText('1,000 runs').waitFor();

    // KILLED runs offer Resume; delete asks first.
    const killed = rows.filter({ hasText: 'run-0000' });
    await killed.getByRole('button', { name: 'Resume run-0000' }).waitFor();
    await killed.getByRole('button', { name: 'Delete run-0000' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByText('Delete run-0000?').waitFor();
    if (scheme === 'light') await page.screenshot({ path: `${process.cwd()}/test-results/screenshots/runs-delete-confirm.png` });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    assert.deepEqual(deleted, []);
    await killed.getByRole('button', { name: 'Delete run-0000' }).click();
    await dialog.getByRole('button', { name: 'Delete run' }).click();
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    assert.equal(deleted.length, 1);
    errors.check();
    await page.close();
  }
});

test('Export CSV downloads every run the filters match, with parameters, final metrics and duration', { skip }, async () => {
  const served = await serve();
  seedThousand(served);
  const page = await browser().newPage({ viewport: { width: 1360, height: 860 } });
  const errors = collectErrors(page);
  await page.goto(at(served, '/runs'));
  await page.getByTestId('runs-count').getByText('1,000 runs').waitFor();
  await page.getByLabel('Status').selectOption('KILLED');
  await page.getByTestId('runs-count').getByText('100 runs').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^langlab-runs-\d{4}-\d{2}-\d{2}\.csv$/);
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
  assert.equal(lines.length, 101);
  const header = lines[0].split(',');
  for (const column of ['name', 'status', 'duration_seconds', 'param.learning_rate', 'param.batch_size', 'metric.val_accuracy']) assert.ok(header.includes(column), column);
  const newest = lines[1].split(',');
  assert.equal(newest[header.indexOf('name')], 'run-0990');
  assert.equal(newest[header.indexOf('status')], 'KILLED');
  assert.equal(newest[header.indexOf('duration_seconds')], String(600 + 990));
  errors.check();
  await page.close();
});
