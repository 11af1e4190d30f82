import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PredictionRow } from '../../preload/contract.ts';
import { addArtifact } from '../../main/store/runs.ts';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, stub, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

// The seeded run's confusion matrix has one java file predicted as json; these are its predictions.
const predictions: PredictionRow[] = [
  { fileIndex: 7, path: 'java/src/Config.java', trueLabel: 'java', predictedLabel: 'json', top: [{ label: 'json', probability: 0.61 }, { label: 'java', probability: 0.35 }, { label: 'python', probability: 0.04 }] },
  ...Array.from({ length: 9 }, (_, i) => ({ fileIndex: 10 + i, path: `java/src/Main${i}.java`, trueLabel: 'java', predictedLabel: 'java', top: [{ label: 'java', probability: 0.9 }, { label: 'json', probability: 0.1 }] })),
];
const JAVA = 'public final class Config {\n  // Read at start-up.\n  static final String NAME = "langlab";\n  int retries = 3;\n}\n';

test('a finished run shows its curves, a sortable report and a confusion matrix whose cells open their files', { skip }, async () => {
  const served = await serve();
  const ds = seedDataset(served.backend.store.db, 'reference-3');
  const id = seedFinishedRun(served.backend.store.db, ds, 'eval-run', 5e-5, ['baseline']);
  addArtifact(served.backend.store.db, id, 'export', `runs/${id}/model`, 1_234_567);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await stub(page, 'runs.predictions', (q) => {
      const rows = predictions.filter((p) => (!q.trueLabel || p.trueLabel === q.trueLabel) && (!q.predictedLabel || p.predictedLabel === q.predictedLabel));
      return { rows: rows.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 100)), total: rows.length };
    });
    await stub(page, 'datasets.fileText', (q) => ({ index: q.index, path: 'java/src/Config.java', label: 'java', split: 'test', text: JAVA, highlight: 'java' }));
    await stub(page, 'runs.predict', () => [{ label: 'python', probability: 0.93 }, { label: 'json', probability: 0.05 }, { label: 'java', probability: 0.02 }]);
    await stub(page, 'runs.log', () => [{ runId: id, seq: 1, level: 'info', message: 'Training 3 epochs of 100 steps', time: Date.now() }]);
    await page.goto(at(served, `/runs/${id}`));

    // Curves from the stored history.
    await page.getByTestId('chart-loss').locator('canvas').waitFor();
    assert.ok(Number(await page.getByTestId('chart-loss').getAttribute('data-points')) > 30);

    // The report sorts by a clicked column; the averages stay at the bottom.
    const report = page.getByTestId('classification-report');
    await report.getByRole('button', { name: /^F1/ }).click();
    const firstClass = () => report.locator('tbody tr').first().locator('td').first().textContent();
    assert.equal(await firstClass(), 'python', 'highest F1 first');
    await report.getByRole('button', { name: /^F1/ }).click();
    assert.equal(await firstClass(), 'json', 'lowest F1 first');
    assert.match((await report.locator('tfoot').textContent()) ?? '', /macro avg.*weighted avg/s);

    // Counts, then row-normalised shares, remembered across a reload.
    const matrix = page.getByTestId('confusion-matrix');
    const cell = matrix.locator('[data-row="java"][data-col="json"]');
    if (scheme === 'light') {
      assert.equal(await cell.locator('text').textContent(), '1');
      await page.getByLabel('Row-normalised').check();
      assert.equal(await cell.locator('text').textContent(), '.10');
      await page.reload();
      await page.getByTestId('confusion-matrix').waitFor();
      assert.equal(await page.getByLabel('Row-normalised').isChecked(), true);
      assert.equal(await cell.locator('text').textContent(), '.10');
      await page.getByLabel('Counts').check();
    }

    // A cell lists its files with probabilities; a file opens highlighted.
    await cell.click();
    const files = page.getByTestId('cell-files');
    await files.getByText('java predicted as json').waitFor();
    // The heading shows before the cell's page of files arrives.
    await files.getByTestId('cell-file').first().waitFor();
    assert.equal(await files.getByTestId('cell-file').count(), 1);
    assert.match((await files.getByTestId('cell-file').textContent()) ?? '', /Config\.java.*json 61\.0%.*java 35\.0%/s);
    await files.getByTestId('cell-file').click();
    const viewer = page.getByTestId('file-viewer');
    await viewer.getByTestId('code-view').locator('.hljs-keyword').first().waitFor();
    assert.match((await viewer.getByTestId('code-view').textContent()) ?? '', /static final String NAME/);
    await shot(page, `run-evaluation-${scheme}`);

    // The diagonal cell pages its nine files.
    await matrix.locator('[data-row="java"][data-col="java"]').click();
    await files.getByText('java, predicted correctly').waitFor();
    // As above, the heading can show before the page of files: wait for the ninth.
    await files.getByTestId('cell-file').nth(8).waitFor();
    assert.equal(await files.getByTestId('cell-file').count(), 9);

    // Try it ranks pasted code.
    const tryIt = page.getByTestId('try-it');
    await tryIt.getByLabel('Code to classify').fill('def main():\n    print("hi")\n');
    await tryIt.getByRole('button', { name: 'Predict' }).click();
    await tryIt.getByTestId('ranked').waitFor();
    assert.match((await tryIt.getByTestId('ranked').locator('li').first().textContent()) ?? '', /python.*93\.0%/s);
    await page.getByTestId('run-log').getByText('Training 3 epochs').waitFor();
    errors.check();
    await page.close();
  }
});
