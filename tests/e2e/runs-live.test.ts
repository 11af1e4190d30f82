import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobInfo, RunProgress } from '../../preload/contract.ts';
import { logMetrics, type MetricRecord } from '../../main/store/metrics.ts';
import { createRun, getRun, setRunStatus } from '../../main/store/runs.ts';
import { seedDataset } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, stub, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

function progress(runId: number, step: number, extra: Partial<RunProgress> = {}): RunProgress {
  return {
    runId,
    phase: 'training',
    epoch: Math.floor(step / 400) + 1,
    epochs: 3,
    step,
    totalSteps: 1200,
    trainLoss: 2.2 * Math.exp(-step / 300) + 0.1,
    trainAccuracy: 1 - 0.85 * Math.exp(-step / 250),
    valLoss: null,
    valAccuracy: null,
    learningRate: step < 120 ? (5e-4 * step) / 120 : 5e-4 * (1 - (step - 120) / 1080),
    samplesPerSecond: 38 + (step % 7),
    etaSeconds: (1200 - step) * 0.4,
    elapsedSeconds: step * 0.4,
    ...extra,
  };
}

/** A run's progress as the service sends it: the progress of a `run` job. */
function asJob(p: RunProgress): JobInfo {
  return { jobId: `run-${p.runId}`, kind: 'run', title: `Training run ${p.runId}`, status: 'running', startedAt: 0, endedAt: null, error: null, storeId: p.runId, resultId: null, ...p };
}

test('a running run streams into its dashboard, reconnects after a reload and can be cancelled', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'reference-8');
  const id = createRun(db, { name: 'live-run', datasetId: ds, modelKind: 'scratch', params: { learning_rate: 5e-4, batch_size: 16, epochs: 3 } });
  const history: MetricRecord[] = [];
  for (let step = 10; step <= 100; step += 10) {
    const p = progress(id, step);
    history.push({ key: 'train_loss', step, value: p.trainLoss! }, { key: 'learning_rate', step, value: p.learningRate! });
  }
  logMetrics(db, id, history);
  let active = progress(id, 100);
  const cancelled: number[] = [];

  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await stub(page, 'runs.active', () => [active]);
    await stub(page, 'runs.log', () => [
      { runId: id, seq: 1, level: 'info', message: 'Tokenising 194 training files', time: Date.now() },
      { runId: id, seq: 2, level: 'warn', message: 'webgpu is not available here; training on cpu', time: Date.now() },
    ]);
    await stub(page, 'runs.cancel', (args) => {
      cancelled.push(args.id);
      setRunStatus(db, id, 'KILLED');
      served.backend.events.emit('store.changed', { what: 'runs', id });
      return getRun(db, id);
    });
    await page.goto(at(served, `/runs/${id}`));
    const bar = page.getByTestId('run-progress');
    await bar.getByText(`step ${active.step} of 1,200`).waitFor();
    // One clock: the header's running time is the progress panel's elapsed time (the run's row was created just now).
    const elapsed = (await page.getByTestId('run-elapsed').textContent())?.replace('elapsed ', '');
    assert.equal(elapsed, scheme === 'light' ? '40s' : '2m 00s');
    assert.equal(await page.getByTestId('run-duration').textContent(), `running for ${elapsed}`);
    const points = (chart: string) => page.getByTestId(chart).getAttribute('data-points').then(Number);
    await page.getByTestId('chart-loss').locator('canvas').waitFor();
    // The stored points, plus where a reconnecting page finds the run.
    const before = scheme === 'light' ? 10 : 12;
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) === n, before);

    // Progress events extend every curve, the bar and the log.
    const from = active.step;
    for (let step = from + 10; step <= from + 200; step += 10) {
      active = progress(id, step, step >= from + 100 ? { valLoss: 0.9, valAccuracy: 0.7, phase: 'training' } : {});
      served.backend.events.emit('job.progress', asJob(active));
    }
    served.backend.events.emit('run.log', { runId: id, seq: 3, level: 'info', message: `Validation at step ${from + 100}: loss 0.9000`, time: Date.now() });
    await bar.getByText(`step ${active.step} of 1,200`).waitFor();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) >= n, before + 20);
    assert.ok((await points('chart-lr')) >= 30);
    assert.ok((await points('chart-gap')) >= 1);
    await page.getByTestId('run-log').getByText(/Validation at step/).waitFor();
    await page.getByTestId('run-log').getByText(/webgpu is not available/).waitFor();
    await shot(page, `run-live-${scheme}`);

    if (scheme === 'light') {
      // A reload reconnects: the stored history plus where the run is now.
      await page.reload();
      await bar.getByText(`step ${active.step} of 1,200`).waitFor();
      errors.check();
      await page.close();
      continue;
    }

    // Cancel asks first, then the run shows KILLED.
    await page.getByTestId('cancel-run').click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('.badge.killed').waitFor();
    assert.deepEqual(cancelled, [id]);
    await bar.waitFor({ state: 'detached' });
    errors.check();
    await page.close();
  }
});

test('a pretrained run filling its frozen-layer cache shows the caching phase counting files', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'reference-8');
  const id = createRun(db, { name: 'cached-run', datasetId: ds, modelKind: 'pretrained', params: { batch_size: 16, epochs: 3, cache_frozen_layers: true } });
  const caching = (files: number): RunProgress => ({
    ...progress(id, files), phase: 'caching', epoch: 0, totalSteps: 4000, trainLoss: null, trainAccuracy: null, learningRate: null,
    samplesPerSecond: 6.8, etaSeconds: (4000 - files) / 6.8, elapsedSeconds: files / 6.8,
  });
  let active = caching(1200);
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  await stub(page, 'runs.active', () => [active]);
  await page.goto(at(served, `/runs/${id}`));
  const bar = page.getByTestId('run-progress');
  await bar.getByText('Caching frozen layers').waitFor();
  await bar.getByText('file 1,200 of 4,000').waitFor();
  await bar.getByText('6.8 files/s').waitFor();
  assert.match((await page.getByTestId('run-eta').textContent()) ?? '', /left in this phase$/);
  assert.equal(await bar.getByText(/^epoch /).count(), 0, 'no epoch is under way while the cache fills');
  assert.equal(await page.getByTestId('chart-throughput').getAttribute('data-points'), '0', 'files/s is not a training throughput point');
  await shot(page, 'run-caching');
  // Then training starts, counting optimizer steps again.
  active = progress(id, 20);
  served.backend.events.emit('job.progress', asJob(active));
  await bar.getByText('step 20 of 1,200').waitFor();
  errors.check();
  await page.close();
});

test('100,000 stored points draw as a decimated curve', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'big');
  const id = createRun(db, { name: 'long-run', datasetId: ds, modelKind: 'scratch', params: {} });
  const points: MetricRecord[] = [];
  for (let step = 1; step <= 100_000; step++) points.push({ key: 'train_loss', step, value: 2 * Math.exp(-step / 20_000) + 0.05 * Math.sin(step / 7) });
  logMetrics(db, id, points);
  setRunStatus(db, id, 'FINISHED');
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  await stub(page, 'runs.log', () => []);
  await page.goto(at(served, `/runs/${id}`));
  await page.getByTestId('chart-loss').locator('canvas').waitFor();
  assert.equal(await page.getByTestId('chart-loss').getAttribute('data-points'), '100000');
  const drawn = Number(await page.getByTestId('chart-loss').locator('[data-drawn]').getAttribute('data-drawn'));
  // Two training lines (raw, faint, and its smoothed version), each thinned to at most ~2,400 points.
  assert.ok(drawn > 2 * 600 && drawn <= 2 * 2400, `chart.js was given ${drawn} points`);
  await shot(page, 'run-100k-points');
  errors.check();
  await page.close();
});
