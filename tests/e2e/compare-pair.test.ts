import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PairDiff } from '../../preload/contract.ts';
import { seedDatasetEvaluation, seedPredictedRun, seedTestDataset, type SeedFile } from '../helpers/seed-pair.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';
import { ok } from '../helpers/dispatch.ts';

const { browser, serve } = useBrowser();

const LABELS = ['java', 'javascript', 'json', 'python'];
const SOURCE: Record<string, (i: number) => string> = {
  java: (i) => `public class Widget${i} {\n  private int size = ${i};\n  public int size() { return size; }\n}\n`,
  javascript: (i) => `export function widget${i}(size) {\n  return { size: size * ${i} };\n}\n`,
  json: (i) => `{\n  "name": "widget-${i}",\n  "size": ${i}\n}\n`,
  python: (i) => `def widget_${i}(size):\n    return {"size": size * ${i}}\n`,
};
const EXT: Record<string, string> = { java: 'java', javascript: 'js', json: 'json', python: 'py' };
const FILES: SeedFile[] = LABELS.flatMap((label) => Array.from({ length: 15 }, (_, i) => ({ path: `${label}/widget_${i}.${EXT[label]}`, label, text: SOURCE[label](i) })));
// Two seeds, two patterns of mistakes: A confuses javascript with java, B json with javascript.
const runAPredicts = (f: SeedFile, i: number) =>
  f.label === 'javascript' && i % 15 < 5 ? { label: 'java', probability: 0.61 } : i % 11 === 0 ? { label: 'python', probability: 0.52 } : { label: f.label, probability: 0.93 };
const runBPredicts = (f: SeedFile, i: number) =>
  f.label === 'json' && i % 15 < 4 ? { label: 'javascript', probability: 0.58 } : f.label === 'javascript' && i % 15 === 0 ? { label: 'java', probability: 0.7 } : { label: f.label, probability: 0.9 };

test('Compare two runs in depth: per-class deltas, the confusion difference and its cells, flipped files with code', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedTestDataset(db, 'widgets', FILES);
  const runA = seedPredictedRun(db, ds, 'scratch seed 1', LABELS, FILES, runAPredicts, { seed: 1 });
  const runB = seedPredictedRun(db, ds, 'scratch seed 2', LABELS, FILES, runBPredicts, { seed: 2 });
  // Both were also evaluated on another dataset, which can be compared the same way.
  const elsewhere = FILES.slice(15, 45).map((f) => ({ ...f, path: `elsewhere/${f.path}`, text: `${f.text}// elsewhere\n` }));
  const ds2 = seedTestDataset(db, 'elsewhere', elsewhere);
  seedDatasetEvaluation(db, runA, ds2, LABELS, elsewhere, (f) => ({ label: f.label, probability: 0.8 }));
  seedDatasetEvaluation(db, runB, ds2, LABELS, elsewhere, (f, i) => ({ label: i % 3 === 0 ? 'java' : f.label, probability: 0.6 }));
  const expected = await ok<PairDiff>(served.backend, 'compare.pair', { runA, runB });

  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await page.goto(at(served, `/compare?runs=${runA},${runB}`));
    const pair = page.getByTestId('pair-compare');
    await pair.getByTestId('pair-class-table').waitFor();
    assert.equal(await pair.getByLabel('Run A').inputValue(), String(runA));
    assert.equal(await pair.getByLabel('Run B').inputValue(), String(runB));

    // Per class: B − A of each metric, as the service computed it.
    for (const row of expected.rows) {
      const tr = pair.locator(`[data-testid="pair-class-row"][data-label="${row.label}"]`);
      const delta = (row.b.f1 - row.a.f1).toFixed(4);
      const f1 = await tr.locator('td[data-metric="f1"]').textContent();
      assert.equal(f1?.replace('−', '-').replace('+', ''), Number(delta) === 0 ? '0.0000' : delta, `F1 change of ${row.label}`);
    }
    // Sorting by the F1 change puts the class B hurt most first (ascending is the default).
    const firstLabel = await pair.getByTestId('pair-class-row').first().getAttribute('data-label');
    const worst = [...expected.rows].sort((p, q) => p.b.f1 - p.a.f1 - (q.b.f1 - q.a.f1))[0].label;
    assert.equal(firstLabel, worst);

    // Nothing on the page scrolls sideways.
    const sideways = await page.evaluate(() => {
      const main = document.querySelector('main')!;
      return { main: main.scrollWidth - main.clientWidth, doc: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    assert.deepEqual(sideways, { main: 0, doc: 0 }, 'the page scrolls sideways');

    // A cell of the difference lists the files that moved in and out; in − out is the cell's number.
    const cell = pair.locator('[data-testid="confusion-diff"] [data-row="json"][data-col="javascript"]');
    const shown = Number(await cell.getAttribute('data-diff'));
    assert.equal(shown, 4);
    await cell.click();
    const cellFiles = pair.getByTestId('cell-files');
    await cellFiles.getByTestId('pair-file').first().waitFor();
    const moves = await cellFiles.locator('.move').allTextContents();
    assert.equal(moves.filter((m) => m.includes('in')).length - moves.filter((m) => m.includes('out')).length, shown);
    await shot(page, `compare-pair-${scheme}`);
    // In shares of each true label: 4 of json's 15 files more.
    await pair.getByRole('checkbox', { name: 'share of each true label' }).check();
    assert.equal(await cell.locator('text.value').textContent(), '+.27');
    await pair.getByRole('checkbox', { name: 'share of each true label' }).uncheck();

    // Flipped files: A right and B wrong, then the reverse filtered to one true label; a click shows the code.
    const flips = pair.getByTestId('pair-files').last();
    await flips.getByTestId('pair-file').first().waitFor();
    assert.equal(await flips.getByTestId('pair-file').count(), expected.brokenByB);
    await pair.getByRole('tab', { name: /B right, A wrong/ }).click();
    await pair.getByLabel('Flipped files of true label').selectOption('javascript');
    await flips.locator('[data-testid="pair-file"][data-path="javascript/widget_1.js"]').waitFor();
    const paths = await flips.getByTestId('pair-file').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    // widget_0 B gets wrong too; widget_7 A called python.
    assert.deepEqual(paths, ['javascript/widget_1.js', 'javascript/widget_2.js', 'javascript/widget_3.js', 'javascript/widget_4.js', 'javascript/widget_7.js']);
    await flips.getByTestId('pair-file').first().getByRole('button').click();
    const view = flips.getByTestId('pair-file-view');
    await view.getByText('export function widget1(size)').waitFor();
    assert.match((await view.textContent()) ?? '', /A predicted java.*61\.0%.*B predicted javascript.*90\.0%/s);
    await shot(page, `compare-pair-flips-${scheme}`);

    // The same views over the other dataset both runs were evaluated on.
    await pair.getByLabel('Compare on').selectOption({ label: 'dataset ' + ds2 });
    await pair.getByText('A right, B wrong (10)').waitFor();
    errors.check();
    await page.close();
  }
});

test('Compare says so when two runs were not tested on the same files, and compares the shared ones', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedTestDataset(db, 'widgets', FILES);
  const half = FILES.filter((_, i) => i % 2 === 0);
  const dsHalf = seedTestDataset(db, 'half the widgets', half);
  const runA = seedPredictedRun(db, ds, 'all files', LABELS, FILES, runAPredicts);
  const runB = seedPredictedRun(db, dsHalf, 'half the files', LABELS, half, runBPredicts);
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(at(served, `/compare?runs=${runA},${runB}`));
  const notes = page.getByTestId('pair-notes');
  await notes.getByText('not tested on the same files (A 60, B 30)').waitFor();
  assert.match((await notes.textContent()) ?? '', /covers the 30 files both have, matched by content/);
  errors.check();
  await page.close();
});
