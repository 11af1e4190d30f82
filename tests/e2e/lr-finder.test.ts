// The learning-rate finder from the New Run form, against the real service and trainer: a tiny
// model, a short ramp, the loss curve on a log axis, and "Use this" filling the learning rate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsSource, makeTree, pySource } from '../main/data/helpers.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

function folder(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  return makeTree(files);
}

test('the finder on the New Run form draws loss against learning rate, suggests one and fills the form with it, creating no run', { skip, timeout: 300_000 }, async () => {
  const served = await serve();
  const call = async (name: string, args: unknown) => {
    const answer = await served.backend.dispatch(name as never, args as never);
    assert.ok(answer.ok, JSON.stringify(answer));
    return answer.result as Record<string, unknown>;
  };
  const job = await call('datasets.add', { kind: 'folder', path: folder() });
  let datasetId: number | null = null;
  while (datasetId === null) {
    const jobs = (await call('jobs.list', {})) as unknown as { jobId: string; status: string; resultId: number | null; error: string | null }[];
    const j = jobs.find((x) => x.jobId === job.jobId)!;
    assert.notEqual(j.status, 'failed', j.error ?? '');
    if (j.status === 'done') datasetId = j.resultId;
    else await new Promise((r) => setImmediate(r));
  }

  const page = await browser().newPage({ viewport: { width: 1360, height: 1400 } });
  const errors = collectErrors(page);
  await page.goto(at(served, `/runs/new?dataset=${datasetId}`));
  await page.getByTestId('dataset-select').waitFor();
  const form = page.getByTestId('hyperparameters');
  for (const [label, value] of [['Model width', '16'], ['Layers', '1'], ['Attention heads', '2'], ['Feed-forward width', '32'], ['Max length', '32'], ['Batch size', '4']]) {
    await form.getByLabel(label, { exact: true }).fill(value);
  }
  const finder = page.getByTestId('lr-finder');
  await finder.getByLabel('Finder steps').fill('30');
  await finder.getByTestId('lr-start').click();
  await finder.getByTestId('lr-result').waitFor({ timeout: 240_000 });
  const suggested = (await finder.getByTestId('lr-suggested').textContent())!.trim();
  assert.match(suggested, /^\d\.\de[-+]\d+$/);
  assert.ok(Number(await finder.locator('[data-drawn]').getAttribute('data-drawn')) > 10, 'the curve is drawn');
  await finder.scrollIntoViewIfNeeded();
  await shot(page, 'newrun-lr-finder-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'newrun-lr-finder-dark');

  await finder.getByTestId('lr-use').click();
  const lr = Number(await form.getByLabel('Learning rate', { exact: true }).inputValue());
  assert.ok(Math.abs(Math.log10(lr) - Math.log10(Number(suggested))) < 0.05, `the form's learning rate ${lr} is the suggestion ${suggested}`);
  const runs = await call('runs.list', {});
  assert.equal(runs.total, 0, 'the finder creates no run');
  errors.check();
  await page.close();
});
