// A classification job's page over a seeded store: the confidence threshold recounts the breakdown
// from the stored probabilities (files below it are unknown), and the results download as CSV and
// JSON lines in browser mode.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ClassifiedFileInfo } from '../../preload/contract.ts';
import { addResults, createJob, finishJob, getJob } from '../../main/store/jobs.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

/** Thirteen files: python at 0.95 and 0.55, javascript at 0.9 and 0.4, an ambiguous header at 0.3, a TypeScript file the model has no label for. */
function results(): ClassifiedFileInfo[] {
  const file = (path: string, label: string, confidence: number, extensionLabel: string | null, size: number): ClassifiedFileInfo => {
    const other = label === 'python' ? 'javascript' : 'python';
    return { path, label, confidence, extensionLabel, extensionLanguage: null, size, top: [{ label, probability: confidence }, { label: other, probability: 1 - confidence }] };
  };
  return [
    ...[0, 1, 2, 3].map((i) => file(`src/sure${i}.py`, 'python', 0.95, 'python', 1000)),
    ...[0, 1].map((i) => file(`src/maybe${i}.py`, 'python', 0.55, 'python', 500)),
    ...[0, 1, 2].map((i) => file(`web/sure${i}.js`, 'javascript', 0.9, 'javascript', 800)),
    ...[0, 1].map((i) => file(`web/maybe${i}.js`, 'python', 0.4, 'javascript', 300)),
    file('include/odd, "name".h', 'javascript', 0.3, null, 200),
    { ...file('tools/build.ts', 'javascript', 0.8, null, 100), extensionLanguage: 'TypeScript' },
  ];
}

test('the threshold recounts the breakdown from the stored probabilities, and the results download as CSV and JSON lines', { skip, timeout: 120_000 }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const id = createJob(db, { runId: null, modelPath: '/models/tiny', root: '/work/repo', threshold: 0.5 });
  const rows = results();
  addResults(db, id, rows, { total: rows.length, done: rows.length, skipped: 1 });
  finishJob(db, id, 'FINISHED');

  const page = await browser().newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  const errors = collectErrors(page);
  await page.goto(at(served, `/classify/${id}`));
  const breakdown = page.getByTestId('breakdown');
  const row = (label: string) => breakdown.locator('tbody tr').filter({ has: page.getByRole('button', { name: label, exact: true }) });
  const count = async (label: string) => Number((await row(label).locator('td.num').first().textContent())!.replace(/\D/g, ''));

  // At 0.5: the two javascript files at 0.4 (predicted python) and the header at 0.3 are unknown.
  await page.getByTestId('unknown-row').waitFor();
  assert.equal(await page.getByTestId('threshold-value').inputValue(), '0.5');
  assert.deepEqual([await count('python'), await count('javascript'), await count('unknown')], [6, 4, 3]);
  const agreement = (await page.getByTestId('disagreements').textContent()) ?? '';
  assert.match(agreement, /0\s+of the 9 files/);
  assert.match(agreement.replace(/\s+/g, ' '), /1 file has an extension naming a language the model has no label for \(it is not counted as disagreeing\)/);
  assert.equal(await page.getByTestId('results').locator('tr', { hasText: 'tools/build.ts' }).locator('td').nth(3).textContent(), 'TypeScript (no label)');
  await shot(page, 'classify-threshold');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'classify-threshold-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Raising it to 0.6 moves the two python files at 0.55 to unknown, without classifying again.
  await page.getByTestId('threshold-value').fill('0.6');
  await page.getByTestId('threshold-value').press('Enter');
  await page.getByTestId('unknown-count').getByText('5').waitFor();
  assert.deepEqual([await count('python'), await count('javascript'), await count('unknown')], [4, 4, 5]);
  assert.equal(getJob(db, id)!.threshold, 0.6, 'the threshold is stored with the job');
  // The unknown row lists exactly the files below it.
  await row('unknown').getByRole('button').click();
  await page.getByTestId('results').locator('xpath=..').getByText(/of 5$/).waitFor();
  const listed = await page.getByTestId('results').locator('tbody tr td:first-child').allTextContents();
  assert.equal(listed.length, 5);
  assert.ok(listed.every((p) => /maybe|odd/.test(p)), listed.join(', '));

  // 0 makes nothing unknown; a value outside [0, 1] is refused on the page and nothing is stored.
  await page.getByTestId('threshold-value').fill('0');
  await page.getByTestId('threshold-value').press('Enter');
  await page.getByTestId('unknown-count').getByText('0').waitFor();
  assert.equal(await page.getByTestId('unknown-row').count(), 0);
  await page.getByTestId('threshold-value').fill('1.5');
  await page.getByTestId('threshold-value').press('Enter');
  await page.getByRole('alert').getByText('1.5 is outside [0, 1]').waitFor();
  assert.equal(getJob(db, id)!.threshold, 0);
  await page.getByTestId('threshold-value').fill('0.5');
  await page.getByTestId('threshold-value').press('Enter');
  await page.getByTestId('unknown-count').getByText('3').waitFor();

  // The export downloads the stored results at the job's threshold.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.equal(csv.suggestedFilename(), `repo-classified-${id}.csv`);
  const lines = readFileSync((await csv.path())!, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'path,label,confidence,runner_up,runner_up_confidence,extension_label,bytes,unknown');
  assert.equal(lines.length, rows.length + 1);
  assert.ok(lines.includes('"include/odd, ""name"".h",javascript,0.3,python,0.7,,200,true'), lines.join('\n'));
  assert.ok(lines.includes(`src/maybe0.py,python,0.55,javascript,${1 - 0.55},python,500,false`));
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON lines' }).click()]);
  assert.equal(jsonl.suggestedFilename(), `repo-classified-${id}.jsonl`);
  const records = readFileSync((await jsonl.path())!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { path: string; unknown: boolean });
  assert.equal(records.length, rows.length);
  assert.deepEqual(records.filter((r) => r.unknown).map((r) => r.path).sort(), ['include/odd, "name".h', 'web/maybe0.js', 'web/maybe1.js']);
  errors.check();
  await page.close();
});
