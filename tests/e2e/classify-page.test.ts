// The Classify section as a user meets it with several trained runs: the model menu offers the run
// whose labels cover the most languages, best by test macro F1, and says each run's figures; a
// job's files open their code; "N left out" opens the list of what was left out and why; an
// empty folder is refused with a message instead of a job with 0 files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type Database from 'better-sqlite3';
import { exportClassifier } from '../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../main/engine/models/scratch.ts';
import { replaceArtifact } from '../../main/store/artifacts.ts';
import { saveEvaluation } from '../../main/store/evaluations.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';
import { relativeToData, runDirectory } from '../../main/trainer/host/run-paths.ts';
import { jsSource, makeTree, pySource } from '../main/data/helpers.ts';
import { seedDataset } from '../helpers/seed.ts';
import { tempDir } from '../helpers/temp.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

/** A finished run whose test report has these labels and figures (every class alike), started `minutesAgo`. */
function testedRun(db: Database.Database, datasetId: number, name: string, labels: string[], f1: number, accuracy: number, minutesAgo: number): number {
  const id = createRun(db, { name, datasetId, modelKind: 'scratch', params: { epochs: 3 }, startTime: Date.now() - minutesAgo * 60_000 });
  const row = (label: string) => ({ label, precision: f1, recall: f1, f1, support: 10 });
  const avg = { precision: f1, recall: f1, f1, support: 10 * labels.length };
  const confusion = labels.map((_, i) => labels.map((__, k) => (i === k ? 8 : k === (i + 1) % labels.length ? 2 : 0)));
  saveEvaluation(db, id, { split: 'test', labels, rows: labels.map(row), macro: avg, weighted: avg, accuracy, confusion });
  setRunStatus(db, id, 'FINISHED');
  return id;
}

/** Gives a run an exported (untrained) model with its labels, as a finished run has. */
function exportModel(db: Database.Database, dataDir: string, runId: number, labels: string[]): void {
  const dir = path.join(runDirectory(dataDir, runId), 'model');
  const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
  exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, 1), labels });
  replaceArtifact(db, runId, 'export', relativeToData(dataDir, dir), 1);
}

test('the model menu offers the most labels and best macro F1 first; a job opens its files and its left-out list; an empty folder is refused', { skip, timeout: 120_000 }, async () => {
  const served = await serve();
  const { db } = served.backend.store;
  const ds = seedDataset(db, 'bench');
  const four = ['java', 'javascript', 'json', 'python'];
  testedRun(db, ds, 'wide but weak', four, 0.61, 0.7, 30);
  const best = testedRun(db, ds, 'wide and good', four, 0.88, 0.86, 20);
  testedRun(db, ds, 'toy, newest', ['javascript', 'python'], 0.99, 0.99, 1);
  exportModel(db, served.backend.dataDir, best, four);
  const files: Record<string, string | Buffer> = { 'tool.bin': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), 'node_modules/dep/index.js': 'vendored\n' };
  for (let i = 0; i < 6; i++) files[`src/m${i}.py`] = pySource(i);
  for (let i = 0; i < 4; i++) files[`web/w${i}.js`] = jsSource(i);
  const repo = makeTree(files);
  const empty = tempDir();
  fs.mkdirSync(empty, { recursive: true });

  let jobUrl = '';
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await page.goto(at(served, '/classify'));
    const menu = page.getByTestId('classify-run');
    await menu.locator('option').first().waitFor({ state: 'attached' });
    const options = await menu.locator('option').allTextContents();
    assert.deepEqual(options.map((o) => /^(?:★ )?(.+?) · run/.exec(o)?.[1]), ['wide and good', 'wide but weak', 'toy, newest']);
    assert.match(options[0], /^★ wide and good · run \d+ · 4 labels · test accuracy 86\.0% · macro F1 0\.880/);
    assert.match(options[2], /2 labels · test accuracy 99\.0%/);
    assert.equal(await menu.inputValue(), String(best), 'the best of the widest runs is the default, not the newest');
    await shot(page, `classify-menu-${scheme}`);

    // An empty folder is refused where the form is, naming it.
    await page.getByLabel('Folder to classify').fill(empty);
    await page.getByTestId('classify-start').click();
    await page.getByTestId('classify-form').getByRole('alert').getByText(/is empty: there is no file to classify/).waitFor();
    await shot(page, `classify-empty-${scheme}`);

    if (scheme === 'light') {
      await page.getByLabel('Folder to classify').fill(repo);
      await page.getByTestId('classify-start').click();
      await page.waitForURL(/#\/classify\/\d+$/);
      jobUrl = page.url();
    } else await page.goto(jobUrl);
    await page.locator('[data-testid="job-meta"] .badge.finished').waitFor({ timeout: 60_000 });

    // "2 left out" opens the list: why, then which.
    await page.getByTestId('left-out-link').getByText('2').waitFor();
    await page.getByTestId('left-out-link').click();
    const leftOut = page.getByTestId('left-out');
    await leftOut.getByText('binary file').click();
    await leftOut.getByText('tool.bin').waitFor();
    await leftOut.getByText('vendored code').click();
    await leftOut.getByText('node_modules/').waitFor();

    // A file of the list opens its code.
    await page.getByTestId('result-file').filter({ hasText: 'src/m0.py' }).click();
    const viewer = page.getByTestId('classified-file');
    await viewer.getByTestId('code-view').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="classified-file"] [data-testid="code-view"]')?.textContent ?? '').includes('def function_0'));
    assert.match((await viewer.textContent()) ?? '', /extension says\s*python/);
    await shot(page, `classify-job-files-${scheme}`);
    errors.check();
    await page.close();
  }
});
