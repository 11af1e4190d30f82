// How long saving a large dataset holds the main thread: the one-transaction save (the command
// line's) against the stepped save the app uses, side by side on the same scanned rows.
//   node --import tsx bench/dataset-save.ts [--rows N]   (default 100,000 table rows, ~30 MB of text)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { datasetFromTable } from '../main/data/from-table.ts';
import { ROWS_PER_STEP, saveDataset, saveDatasetInSteps } from '../main/store/dataset-save.ts';
import { openStore } from '../main/store/store.ts';

const at = process.argv.indexOf('--rows');
const rows = at > 0 ? Number(process.argv[at + 1]) : 100_000;
if (!Number.isInteger(rows) || rows < 1) throw new Error(`dataset-save: --rows must be a positive whole number, got ${process.argv[at + 1]}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-save-'));
try {
  // Distinct texts of a few lines to a few hundred bytes, four labels.
  const labels = ['python', 'javascript', 'java', 'yml'];
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) lines.push(`"${`value_${i} = ${i * 7}\\n`.repeat(1 + (i % 30))}",${labels[i % 4]}`);
  const csv = path.join(dir, 'rows.csv');
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  const result = await datasetFromTable(csv);
  const store = openStore({ file: path.join(dir, 'langlab.db') });

  /** Wall time of `save` and the longest the event loop was held while it ran. */
  const measure = async (save: () => unknown): Promise<{ seconds: number; maxStallMs: number; p99StallMs: number }> => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await save();
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 20));
    h.disable();
    return { seconds: Math.round(seconds * 100) / 100, maxStallMs: Math.round(h.max / 1e5) / 10, p99StallMs: Math.round(h.percentile(99) / 1e5) / 10 };
  };
  const oneTransaction = await measure(() => saveDataset(store.db, result));
  const stepped = await measure(() => saveDatasetInSteps(store.db, result));
  store.close();
  const summary = {
    bench: 'dataset-save',
    rows: result.files.length,
    oneTransaction,
    stepped,
    longestStallRatio: Math.round((stepped.maxStallMs / oneTransaction.maxStallMs) * 1000) / 1000,
    wallRatio: Math.round((stepped.seconds / oneTransaction.seconds) * 100) / 100,
  };
  process.stderr.write(
    `Saving ${summary.rows.toLocaleString()} rows: one transaction holds the main thread up to ${oneTransaction.maxStallMs} ms (${oneTransaction.seconds} s in all); ` +
      `in steps of ${ROWS_PER_STEP} rows, up to ${stepped.maxStallMs} ms (${stepped.seconds} s in all).\n`,
  );
  process.stdout.write(JSON.stringify(summary) + '\n');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
