import { defaultHyperparameters } from '../../preload/hyperparameters.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Preset, RunEstimate } from '../../preload/contract.ts';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, stub, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

// The stubbed estimate is the from-scratch defaults' parameter count for the 3 classes below (the
// 65,536-row n-gram table included).
const estimate: RunEstimate = { trainableParams: 8_835_075, totalParams: 8_835_075, memoryBytes: 420 * 1024 * 1024, trainFiles: 194, stepsPerEpoch: 13, secondsPerEpoch: 8,
  secondsPerEpochRange: [6, 10], totalSecondsRange: [18, 30], timeBasis: 'measured', measuredRuns: 1 };

test('the New Run form starts from the defaults, shows ranges, blocks bad values and re-runs a saved run', { skip }, async () => {
  const served = await serve();
  const ds = seedDataset(served.backend.store.db, 'reference-8');
  const source = seedFinishedRun(served.backend.store.db, ds, 'baseline', 1e-3);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    const presets: Preset[] = [{ id: 1, name: 'tiny', modelKind: 'scratch', hyperparameters: { d_model: 64, num_heads: 2, epochs: 1 }, createdAt: Date.now() }];
    const started: unknown[] = [];
    await stub(page, 'presets.list', () => presets);
    // A frozen pretrained model keeps a frozen-layer cache, whose size the estimate shows.
    await stub(page, 'runs.estimate', (args) => (args.model.kind === 'pretrained' ? { ...estimate, prefixCacheBytes: 1.3e9 } : estimate));
    await stub(page, 'runs.start', (args) => (started.push(args), { runId: source }));
    await stub(page, 'models.check', (args) => ({
      path: args.path,
      architecture: 'RobertaForSequenceClassification',
      numLayers: 6,
      hiddenSize: 768,
      numHeads: 12,
      vocabSize: 52000,
      maxPositions: 512,
      totalParams: 83_500_000,
      checkpointLabels: null,
    }));
    await page.goto(at(served, '/runs'));
    await page.getByRole('link', { name: 'New run' }).click();
    await page.getByRole('heading', { name: 'New run' }).waitFor();

    // Defaults of the from-scratch model, each field with its help and range.
    const form = page.getByTestId('hyperparameters');
    assert.equal(await form.getByLabel('Learning rate').inputValue(), String(defaultHyperparameters('scratch').learning_rate));
    assert.match((await page.getByTestId('field-batch_size').textContent()) ?? '', /Files per micro-batch.*1 to 1024/s);
    await page.getByTestId('estimate').getByText('8,835,075').waitFor();
    const startButton = page.getByTestId('start-run');
    assert.equal(await startButton.isEnabled(), true);
    await shot(page, `newrun-${scheme}`);

    // An out-of-range value says its range and disables Start; fixing it enables Start again.
    await form.getByLabel('Batch size').fill('0');
    await page.getByTestId('field-batch_size').getByRole('alert').getByText(/1 to 1024, got 0/).waitFor();
    assert.equal(await startButton.isEnabled(), false);
    assert.match((await page.getByTestId('start-blockers').textContent()) ?? '', /fix this field: Batch size$/);
    await form.getByLabel('Attention heads').fill('3');
    await page.getByTestId('field-num_heads').getByText(new RegExp(`must divide the model width ${defaultHyperparameters('scratch').d_model}`)).waitFor();
    // The dataset is picked: the estimate names what it waits for, never "Pick a dataset".
    await page.getByTestId('estimate').getByText('Fix the 2 fields marked in the settings to see the size and cost of this run.').waitFor();
    await shot(page, `newrun-invalid-${scheme}`);
    await form.getByLabel('Batch size').fill('8');
    await form.getByLabel('Attention heads').fill('4');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="start-run"]') as HTMLButtonElement).disabled);

    // A pretrained folder is checked, and its limits apply to the form.
    await page.getByText('Fine-tune a pretrained model').click();
    assert.equal(await form.getByLabel('Learning rate').inputValue(), '0.00002');
    assert.equal(await startButton.isEnabled(), false, 'no model folder yet');
    await page.getByLabel('Model folder').fill('/models/CodeBERTa-small-v1');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('model-check').getByText(/6 layers.*up to 512 tokens/).waitFor();
    await form.getByLabel('Max length').fill('1024');
    await page.getByTestId('field-max_length').getByText(/at most 512, the positions this model has/).waitFor();
    await form.getByLabel('Max length').fill('512');
    await page.getByRole('radio', { name: /CPU/ }).first().waitFor();
    await page.getByTestId('estimate-cache').getByText(/1\.\d GB/).waitFor();
    assert.match((await page.getByTestId('field-cache_frozen_layers').textContent()) ?? '', /Dropout is off in the frozen layers/);
    if (scheme === 'light') await shot(page, 'newrun-pretrained-light');

    // A preset fills the form; Start sends only the chosen kind's values and opens the run.
    await page.getByLabel('Preset', { exact: true }).selectOption('1');
    await page.getByRole('button', { name: 'Load' }).click();
    assert.equal(await form.getByLabel('Model width').inputValue(), '64');
    await page.getByLabel('Run name').fill('tiny scratch');
    await startButton.click();
    await page.waitForURL(new RegExp(`#/runs/${source}$`));
    const sent = started[0] as { name: string; model: { kind: string }; hyperparameters: Record<string, unknown>; provider: string };
    assert.equal(sent.name, 'tiny scratch');
    assert.deepEqual(sent.model, { kind: 'scratch' });
    assert.equal(sent.hyperparameters.d_model, 64);
    assert.equal(sent.hyperparameters.epochs, 1);
    assert.equal('freeze_base_model' in sent.hyperparameters, false);
    assert.equal(sent.provider, 'cpu');

    // Re-run opens the form filled with the stored run's values.
    await page.getByRole('link', { name: 'Re-run' }).click();
    await page.getByTestId('form-note').getByText(/Filled from run “baseline”/).waitFor();
    assert.equal(await form.getByLabel('Learning rate').inputValue(), '0.001');
    errors.check();
    await page.close();
  }
});

test('with no dataset the form says where to add one and cannot start', { skip }, async () => {
  const served = await serve();
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await stub(page, 'presets.list', () => []);
    await page.goto(at(served, '/runs/new'));
    await page.getByText('No datasets yet.').waitFor();
    assert.equal(await page.getByTestId('start-run').isEnabled(), false);
    assert.match((await page.getByTestId('start-blockers').textContent()) ?? '', /choose a dataset/);
    await shot(page, `newrun-empty-${scheme}`);
    errors.check();
    await page.close();
  }
});

test('bad fields are named and linked, numbers are decimal only, and switching the model kind keeps what was typed', { skip }, async () => {
  const served = await serve();
  seedDataset(served.backend.store.db, 'reference-8');
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await stub(page, 'presets.list', () => []);
    await stub(page, 'runs.estimate', () => estimate);
    await page.goto(at(served, '/runs/new'));
    const form = page.getByTestId('hyperparameters');
    await form.getByLabel('Learning rate').waitFor();

    // "0x1" is not read as 1; every bad field is named in the start panel and each name leads to its field.
    await form.getByLabel('Learning rate').fill('0x1');
    await page.getByTestId('field-learning_rate').getByText(/"0x1" is not a decimal number/).waitFor();
    await form.getByLabel('Epochs').fill('0');
    await form.getByLabel('Batch size').fill('8');
    const blockers = page.getByTestId('start-blockers');
    await blockers.getByText(/fix these 2 fields/).waitFor();
    assert.deepEqual(await blockers.getByRole('button').allTextContents(), ['Epochs', 'Learning rate']);
    await shot(page, `newrun-named-fields-${scheme}`);
    await blockers.getByRole('button', { name: 'Epochs' }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'hp-epochs');
    await form.getByLabel('Epochs').fill('2');
    await form.getByLabel('Learning rate').fill('5e-4');
    await blockers.waitFor({ state: 'detached' });

    // Typed values valid for both kinds survive the switch, both ways; untouched ones take the kind's defaults.
    await page.getByText('Fine-tune a pretrained model').click();
    assert.equal(await form.getByLabel('Batch size').inputValue(), '8');
    assert.equal(await form.getByLabel('Epochs').inputValue(), '2');
    assert.equal(await form.getByLabel('Learning rate').inputValue(), '5e-4');
    assert.equal(await form.getByLabel('Max length').inputValue(), String(defaultHyperparameters('pretrained').max_length));
    await page.getByText('From scratch', { exact: true }).click();
    assert.equal(await form.getByLabel('Batch size').inputValue(), '8');
    assert.equal(await form.getByLabel('Max length').inputValue(), String(defaultHyperparameters('scratch').max_length));
    errors.check();
    await page.close();
  }
});
