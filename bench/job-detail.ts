// What the job page's reads cost at 100,000 results, and what keeping them cheap costs the job that
// writes them, side by side in one run (issue 16, item 6):
//   npm run bench:job-detail [-- --files 100000]
// Three stores get the same results, 64 a transaction as a job stores them, interleaved: "scan" as
// before schema 14 (no tally), "tally" (what the app writes: the tally the page reads) and
// "tally+index" (the tally and an index on confidence, which would answer a threshold off the
// thousandths without a scan; not kept, for what it costs the writes). Then the page's reads: the
// breakdown at thresholds on a thousandth (all the app sets) and off one, and the file table.
// Prints each against "scan"; a final JSON line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import type { ClassifiedFileInfo } from '../preload/contract.ts';
import { tallyBreakdown } from '../main/store/job-tally.ts';
import { addResults, createJob, listResults, scanBreakdown } from '../main/store/jobs.ts';
import { openStore } from '../main/store/store.ts';

const { values } = parseArgs({ options: { files: { type: 'string', default: '100000' } } });
const FILES = Number(values.files);
if (!Number.isInteger(FILES) || FILES < 1000) throw new Error(`job-detail bench: --files takes a whole number of files, 1000 or more; got ${values.files}.`);
const LABELS = ['cpp', 'go', 'java', 'javascript', 'json', 'python', 'ruby', 'rust', 'typescript', 'xml', 'yaml', 'shell'];
const BATCH = 64;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Results as a trained model gives them: mostly sure (float32 probabilities), a tail of unsure files. */
function results(n: number): ClassifiedFileInfo[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const label = LABELS[Math.floor(rand() * LABELS.length)];
    const confidence = Math.fround(rand() < 0.8 ? 0.9 + 0.1 * rand() : rand());
    const top = LABELS.map((l) => ({ label: l, probability: l === label ? confidence : (1 - confidence) / (LABELS.length - 1) }));
    return {
      path: `pkg${String(Math.floor(i / 2000)).padStart(3, '0')}/mod${String(Math.floor(i / 100) % 20).padStart(2, '0')}/file${i}.x`,
      label, confidence, extensionLabel: rand() < 0.9 ? (rand() < 0.95 ? label : LABELS[0]) : null, extensionLanguage: null, size: 200 + (i % 3000), top,
    };
  });
}

/** How results were stored before schema 14: the rows and the counters, nothing else. */
function addResultsScanOnly(db: Database.Database, id: number, rows: readonly ClassifiedFileInfo[], done: number): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO classification_results (job_id, path, label, confidence, extension_label, extension_language, size, top, second_label, second_confidence, second_top, agree)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)`,
  );
  const update = db.prepare('UPDATE classification_jobs SET files_total = ?, files_done = ?, files_skipped = 0 WHERE id = ?');
  db.transaction(() => {
    for (const r of rows) insert.run(id, r.path, r.label, r.confidence, r.extensionLabel, r.extensionLanguage, r.size, JSON.stringify(r.top.map((t) => [t.label, t.probability])));
    update.run(FILES, done, id);
  })();
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
function timeIt(times: number, f: () => unknown): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return pct(ms, 0.5);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-job-detail-'));
try {
  const rows = results(FILES);
  const variants = ['scan', 'tally', 'tally+index'] as const;
  const out: Record<string, { storeTotalMs: number; txP50Ms: number; txP99Ms: number; reads?: Record<string, number> }> = {};
  // Interleaved, one batch of each store in turn, so the machine's load falls on all three alike.
  const stores = variants.map((v) => {
    const store = openStore({ file: path.join(dir, `${v.replace('+', '-')}.db`) });
    if (v === 'tally+index') store.db.exec('CREATE INDEX bench_by_confidence ON classification_results (job_id, confidence)');
    return { v, store, id: createJob(store.db, { runId: null, modelPath: '/m', root: '/r', threshold: 0.5 }), tx: [] as number[] };
  });
  for (let i = 0; i < rows.length; i += BATCH) {
    for (const s of stores) {
      const t = performance.now();
      if (s.v === 'scan') addResultsScanOnly(s.store.db, s.id, rows.slice(i, i + BATCH), i + BATCH);
      else addResults(s.store.db, s.id, rows.slice(i, i + BATCH), { total: FILES, done: i + BATCH, skipped: 0 });
      s.tx.push(performance.now() - t);
    }
  }
  for (const s of stores) {
    const { db } = s.store;
    const reads: Record<string, number> = {};
    for (const [name, t] of [['breakdown at 0.5', 0.5], ['breakdown at 0.537', 0.537], ['breakdown at 0.95', 0.95], ['breakdown at 0.9537 (off the thousandths)', 0.9537], ['breakdown at 0.5371 (off the thousandths)', 0.5371]] as const) {
      reads[name] = round(timeIt(7, () => (s.v === 'scan' ? scanBreakdown(db, s.id, t) : tallyBreakdown(db, s.id, t))));
    }
    if (s.v !== 'scan') db.prepare('UPDATE classification_jobs SET tallied = 1 WHERE id = ?').run(s.id);
    else db.prepare('UPDATE classification_jobs SET tallied = 0, status = ? WHERE id = ?').run('RUNNING', s.id);
    reads['file table, first page, with its total'] = round(timeIt(7, () => listResults(db, { id: s.id, limit: 100 })));
    reads['file table, least confident first'] = round(timeIt(7, () => listResults(db, { id: s.id, limit: 100, sort: 'confidence' })));
    out[s.v] = { storeTotalMs: round(s.tx.reduce((a, b) => a + b, 0), 0), txP50Ms: round(pct(s.tx, 0.5)), txP99Ms: round(pct(s.tx, 0.99)), reads };
    s.store.close();
  }
  // The same answers, side by side.
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`${FILES.toLocaleString()} results, ${BATCH} a transaction, load ${os.loadavg().map((x) => round(x)).join(', ')} on ${os.availableParallelism()} cores`);
  for (const v of variants) {
    const o = out[v];
    say(`  ${v.padEnd(12)} storing: ${o.storeTotalMs} ms in all (${round(o.storeTotalMs / out.scan.storeTotalMs)}x scan's), per transaction p50 ${o.txP50Ms} ms, p99 ${o.txP99Ms} ms`);
    for (const [name, ms] of Object.entries(o.reads ?? {})) say(`      ${name}: ${ms} ms (${round(ms / out.scan.reads![name])}x scan's)`);
  }
  process.stdout.write(JSON.stringify({ bench: 'job-detail', files: FILES, batch: BATCH, loadAverage: os.loadavg().map((x) => round(x)), ...out }) + '\n');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
