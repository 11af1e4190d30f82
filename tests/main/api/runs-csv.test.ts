import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startBackend, type Backend } from '../../../main/api/backend.ts';
import { csvCell } from '../../../main/api/runs-csv.ts';
import { logMetrics } from '../../../main/store/metrics.ts';
import { createRun } from '../../../main/store/runs.ts';
import { failure, ok } from '../../helpers/dispatch.ts';
import { seedDataset, seedFinishedRun } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

const backends: Backend[] = [];
after(() => backends.forEach((b) => b.close()));

/** A minimal RFC 4180 reader, to check the export reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

test('cells: quoted when needed, formulas defused, numbers as numbers', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a, "b"'), '"a, ""b"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('-3'), '-3');
  assert.equal(csvCell(2e-5), '0.00002');
  assert.equal(csvCell(Number.NaN), '');
});

test('runs.exportCsv: every matching run with its parameters, final metrics and duration', async () => {
  const b = startBackend({ runtime: 'browser', dataDir: tempDir() });
  backends.push(b);
  const db = b.store.db;
  const ds = seedDataset(db, 'reference-8');
  const first = seedFinishedRun(db, ds, 'lr, small', 1e-5, ['grid'], { dropout: 0.1 });
  logMetrics(db, first, [{ key: 'wall_seconds', step: 300, value: 42 }]);
  db.prepare('UPDATE runs SET start_time = ?, end_time = ? WHERE id = ?').run(1_700_000_000_000, 1_700_000_090_500, first);
  seedFinishedRun(db, ds, 'lr large', 3e-4, ['grid']);
  createRun(db, { name: 'still going', datasetId: ds, modelKind: 'scratch', params: { learning_rate: 1e-3 }, tags: [], startTime: Date.now() });

  const all = await ok<{ csv: string; runs: number }>(b, 'runs.exportCsv', {});
  assert.equal(all.runs, 3);
  const [header, ...rows] = parseCsv(all.csv);
  assert.equal(rows.length, 3);
  assert.deepEqual(header.slice(0, 13), ['id', 'name', 'status', 'dataset', 'model_kind', 'model_source', 'provider', 'started', 'ended', 'duration_seconds', 'tags', 'test_accuracy', 'test_macro_f1']);
  assert.ok(header.includes('param.learning_rate') && header.includes('param.dropout') && header.includes('metric.val_loss') && header.includes('metric.wall_seconds'));
  const cell = (row: string[], name: string) => row[header.indexOf(name)];
  const small = rows.find((r) => cell(r, 'name') === 'lr, small')!;
  assert.equal(cell(small, 'duration_seconds'), '90.5');
  assert.equal(cell(small, 'started'), '2023-11-14T22:13:20.000Z');
  assert.equal(cell(small, 'param.learning_rate'), '0.00001');
  assert.equal(cell(small, 'param.dropout'), '0.1');
  assert.equal(cell(small, 'metric.wall_seconds'), '42');
  assert.equal(cell(small, 'test_accuracy'), '0.962963');
  assert.equal(cell(small, 'tags'), 'grid');
  const going = rows.find((r) => cell(r, 'name') === 'still going')!;
  assert.deepEqual([cell(going, 'status'), cell(going, 'ended'), cell(going, 'duration_seconds'), cell(going, 'param.dropout')], ['RUNNING', '', '', '']);

  // The list's filters apply.
  assert.equal((await ok<{ runs: number }>(b, 'runs.exportCsv', { status: 'FINISHED', text: 'lr' })).runs, 2);
  assert.equal((await failure(b, 'runs.exportCsv', { limit: 5 })).code, 'INVALID_ARGUMENT');
});
