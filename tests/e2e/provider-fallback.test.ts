// Choosing where a run trains: the New Run form lists each provider with the device behind it or
// why it cannot be used (checked for real by the backend), and a run that asked for a GPU provider
// which could not start says on its page, in its log and in the runs list that it trained on the CPU.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../preload/contract.ts';
import { storePath } from '../../main/store/paths.ts';
import { tempDir } from '../helpers/temp.ts';
import { tinyDataset, tinyHyperparameters } from '../main/trainer/tiny-run.ts';
import { at, collectErrors, shot, SHOTS, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

test('the New Run form lists the providers found, with their device or why they cannot be used', { skip }, async () => {
  const served = await serve();
  const providers = await served.backend.dispatch('app.providers', {});
  assert.ok(providers.ok);
  const webgpuReady = (providers.result as { name: string; status: string }[]).some((p) => p.name === 'webgpu' && p.status === 'ready');
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await page.goto(at(served, '/runs/new'));
    const picker = page.getByTestId('provider-picker');
    await picker.getByTestId('provider-webgpu').waitFor();
    const cpu = picker.getByTestId('provider-cpu');
    assert.match((await cpu.textContent()) ?? '', /Ready/);
    assert.ok(await cpu.locator('input').isChecked());
    const webgpu = picker.getByTestId('provider-webgpu');
    if (!webgpuReady) {
      // The development and CI machines have no GPU: WebGPU is found, and says why it cannot run.
      assert.match((await webgpu.textContent()) ?? '', /Found, unusable here.*No usable GPU adapter/s);
      assert.ok(await webgpu.locator('input').isDisabled());
    }
    await picker.scrollIntoViewIfNeeded();
    await picker.screenshot({ path: path.join(SHOTS, `newrun-providers-${scheme}.png`) });
    errors.check();
    await page.close();
  }
});

test('a run that asked for WebGPU where it cannot start trains on the CPU, and its page, log and list say so', { skip, timeout: 120_000 }, async () => {
  const dir = tempDir();
  const { datasetId } = await tinyDataset(tempDir(), { perClass: 12, storeFile: storePath(dir) });
  const served = await serve(dir);
  const { d_model, num_layers, num_heads, dim_feedforward, max_length, batch_size, learning_rate, seed } = tinyHyperparameters();
  const started = await served.backend.dispatch('runs.start', {
    name: 'asked for webgpu', datasetId, model: { kind: 'scratch' }, provider: 'webgpu',
    hyperparameters: { d_model, num_layers, num_heads, dim_feedforward, max_length, batch_size, learning_rate, seed, epochs: 2 },
  });
  assert.ok(started.ok, JSON.stringify(started));
  const runId = (started.result as { runId: number }).runId;
  const run: RunSummary = await served.backend.runs.waitFor(runId);
  assert.equal(run.status, 'FINISHED', run.error ?? '');
  if (run.providerUsed === 'webgpu') return; // a machine where WebGPU works has nothing to fall back from
  assert.equal(run.providerUsed, 'cpu');

  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await page.goto(at(served, `/runs/${runId}`));
    const note = page.getByTestId('provider-fallback');
    await note.waitFor();
    assert.match((await note.textContent()) ?? '', /Trained on the CPU, not WebGPU\.\s*WebGPU could not start \(.*adapter.*\); training on the CPU instead\./s);
    assert.equal((await page.getByTestId('run-provider').textContent())?.trim(), 'on cpu');
    const log = page.getByTestId('run-log');
    await log.getByText('WebGPU could not start', { exact: false }).first().waitFor();
    await shot(page, `run-provider-fallback-${scheme}`);

    await page.goto(at(served, '/runs'));
    const cell = page.getByTestId('run-row').first().getByTestId('run-provider');
    await cell.waitFor();
    assert.equal((await cell.textContent())?.trim(), '⚠ cpu');
    assert.match((await cell.getAttribute('title')) ?? '', /WebGPU could not start/);
    await shot(page, `runs-list-provider-fallback-${scheme}`);

    // Re-run: the form cannot offer WebGPU here, and says it chose the CPU instead.
    await page.goto(at(served, `/runs/new?from=${runId}`));
    const formNote = page.getByTestId('provider-note');
    await formNote.waitFor();
    assert.match((await formNote.textContent()) ?? '', /The run asked for WebGPU, which cannot be used here \(No usable GPU adapter.*\); CPU is chosen instead\./s);
    assert.ok(await page.getByTestId('provider-cpu').locator('input').isChecked());
    errors.check();
    await page.close();
  }
});
