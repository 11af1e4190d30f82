import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logMetrics } from '../../main/store/metrics.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';
import { SEQUENTIAL_STOPS } from '../../renderer/src/compare/parallel-color.ts';
import { seedDataset, seedFinishedRun } from '../helpers/seed.ts';
import { at, collectErrors, shot, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve } = useBrowser();

test('parallel coordinates of 12 runs: an axis per varying parameter and metric, brushing dims the rest, a click opens the run', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'grid');
  const ids: number[] = [];
  const grid = [1e-5, 1e-4, 1e-3].flatMap((lr) => [16, 32].flatMap((bs) => [0, 0.1].map((dropout) => ({ lr, bs, dropout }))));
  for (const [i, g] of grid.entries()) ids.push(seedFinishedRun(db, ds, `grid-${i}`, g.lr, [], { batch_size: g.bs, dropout: g.dropout, optimizer: i % 3 === 0 ? 'sgd' : 'adamw' }));
  assert.equal(ids.length, 12);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser().newPage({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
    const errors = collectErrors(page);
    await page.goto(at(served, '/compare'));
    const pc = page.getByTestId('parallel-coordinates');
    await pc.getByTestId('pc-axis').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="pc-axis"][data-axis="param:dropout"]').length === 1);
    const axes = await pc.getByTestId('pc-axis').evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')));
    assert.deepEqual(axes, ['param:batch_size', 'param:dropout', 'param:learning_rate', 'param:optimizer', 'metric:test_accuracy', 'metric:test_macro_f1', 'metric:val_loss', 'metric:val_accuracy'].filter((a) => axes.includes(a)));
    for (const a of ['param:batch_size', 'param:dropout', 'param:learning_rate', 'param:optimizer', 'metric:val_loss']) assert.ok(axes.includes(a), `axis ${a}`);
    assert.ok(!axes.includes('param:epochs'), 'a parameter all runs share has no axis');
    assert.equal(await pc.getByTestId('pc-line').count(), 12);
    assert.match(await pc.getByTestId('pc-count').textContent() ?? '', /12 of 12 runs/);

    // Coloured by the first metric that differs (val loss; test accuracy is the same for all): the
    // lowest loss (learning rate 1e-5) at the scale's best end and drawn on top, the highest at its worst.
    const legend = pc.getByTestId('pc-legend');
    assert.equal(await legend.getAttribute('data-metric'), 'val_loss');
    assert.match(await legend.textContent() ?? '', /lower is better/);
    const drawn = await pc.getByTestId('pc-line').evaluateAll((els) => els.map((e) => ({ run: Number(e.getAttribute('data-run')), color: e.getAttribute('data-color') })));
    const lrOf = (run: number) => grid[ids.indexOf(run)].lr;
    for (const d of drawn) assert.equal(d.color, lrOf(d.run) === 1e-5 ? SEQUENTIAL_STOPS.at(-1) : lrOf(d.run) === 1e-3 ? SEQUENTIAL_STOPS[0] : d.color);
    assert.equal(lrOf(drawn.at(-1)!.run), 1e-5, 'the best runs are drawn last, on top');
    assert.equal(new Set(drawn.map((d) => d.color)).size, 3, 'three learning rates, three val losses, three colours');
    await shot(page, `compare-parallel-coloured-${scheme}`);
    await pc.getByLabel('Colour lines by').selectOption('metric:val_accuracy');
    assert.equal(await legend.getAttribute('data-metric'), 'val_accuracy');
    await pc.getByLabel('Colour lines by').selectOption('none');
    await legend.waitFor({ state: 'detached' });
    assert.deepEqual(new Set(await pc.getByTestId('pc-line').evaluateAll((els) => els.map((e) => e.getAttribute('data-color')))), new Set([null]));
    await pc.getByLabel('Colour lines by').selectOption('metric:val_loss');

    // Brush the top half of the learning-rate axis (log scale: 1e-4 and 1e-3 stay).
    const hit = pc.locator('[data-axis="param:learning_rate"] rect.hit');
    const box = (await hit.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    assert.equal(await pc.getByTestId('pc-line').count(), 8);
    assert.match(await pc.getByTestId('pc-count').textContent() ?? '', /8 of 12 runs inside the brushes/);
    assert.equal(await pc.locator('path.dim').count(), 4);

    // Hover names the run and its values: the point a quarter into the first segment of a bright line.
    const svgBox = (await pc.locator('svg').first().boundingBox())!;
    const pt = await pc.getByTestId('pc-line').first().evaluate((el: SVGPathElement) => {
      const p = el.getPointAtLength(el.getTotalLength() / 28);
      return { x: p.x, y: p.y };
    });
    const spot = { x: svgBox.x + pt.x, y: svgBox.y + pt.y };
    await page.mouse.move(spot.x, spot.y);
    const runId = await page.evaluate(({ x, y }) => Number(document.elementFromPoint(x, y)?.getAttribute('data-run')), spot);
    assert.ok(ids.includes(runId), 'a run line is under the pointer');
    await pc.getByTestId('pc-tip').waitFor();
    assert.match(await pc.getByTestId('pc-tip').textContent() ?? '', new RegExp(`grid-${ids.indexOf(runId)}`));
    assert.match(await pc.getByTestId('pc-tip').textContent() ?? '', /learning rate/i);
    await shot(page, `compare-parallel-brushed-${scheme}`);

    // A click without a drag clears the brush; a click on a line opens its run.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(await pc.getByTestId('pc-line').count(), 12);
    if (scheme === 'dark') {
      // A click on a line (dispatched on the path itself: with the brush gone, lines overlap in another order) opens its run.
      const target = pc.getByTestId('pc-line').nth(5);
      const under = Number(await target.getAttribute('data-run'));
      await target.dispatchEvent('click');
      await page.waitForFunction((id) => location.hash === `#/runs/${id}`, under);
    }
    errors.check();
    await page.close();
  }
});

test('parallel coordinates draw 1,000 runs, one path each, and brush them', { skip }, async () => {
  const served = await serve();
  const db = served.backend.store.db;
  const ds = seedDataset(db, 'many');
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) {
      const id = createRun(db, { name: `many-${i}`, datasetId: ds, modelKind: 'scratch', params: { learning_rate: 10 ** (-6 + (i % 50) / 10), batch_size: [8, 16, 32, 64][i % 4], dropout: (i % 7) / 20, seed: i }, tags: [], startTime: Date.now() - 1000 });
      logMetrics(db, id, [{ key: 'val_loss', step: 10, value: 0.2 + ((i * 37) % 100) / 100 }]);
      setRunStatus(db, id, 'FINISHED');
    }
  })();
  const page = await browser().newPage({ viewport: { width: 1360, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(at(served, '/compare'));
  const pc = page.getByTestId('parallel-coordinates');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pc-axis"][data-axis="param:seed"]').length === 1);
  assert.equal(await pc.getByTestId('pc-line').count(), 1000);
  const hit = pc.locator('[data-axis="param:batch_size"] rect.hit');
  const box = (await hit.boundingBox())!;
  await page.mouse.move(box.x + 12, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 12, box.y + 12, { steps: 3 });
  await page.mouse.up();
  assert.equal(await pc.getByTestId('pc-line').count(), 250, 'the top of the batch-size axis is 64: a quarter of the runs');
  await shot(page, 'compare-parallel-1000');
  errors.check();
  await page.close();
});
