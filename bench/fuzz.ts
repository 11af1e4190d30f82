// Malformed inputs at volume (issue 18): requests over every transport, broken model folders,
// checkpoints, tables and dataset folders, bad command lines. Each must get a clear error (a
// LanglabError code and a message naming the value or file at fault) and leave the process alive.
// Prints one JSON line per category and a summary line; the details of every input that was not
// answered clearly go to stderr. Seeded: the seed is printed, and `--seed N` replays the run.
//   node --import tsx bench/fuzz.ts [--seed N] [--count N] [--quick]
// --count N tries N inputs drawn evenly from the categories; --quick keeps the big files small and
// tries 100 inputs unless --count is given.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startBackend } from '../main/api/backend.ts';
import { cliCases } from './fuzz/cli.ts';
import { fileCases } from './fuzz/files.ts';
import { Rng, runCase, type CaseResult, type FuzzCase } from './fuzz/harness.ts';
import { dispatchCases, httpCases, httpRequest, wsCases, type ServerHandle } from './fuzz/requests.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const wholeArg = (name: string): number | undefined => {
  const raw = arg(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`fuzz bench: --${name} must be a whole number, got "${raw}".`);
  return n;
};
const seed = wholeArg('seed') ?? Date.now() % 2 ** 31;
const quick = process.argv.includes('--quick');
// The short form inside `npm test` (issue 18): 100 inputs unless --count says otherwise.
const count = wholeArg('count') ?? (quick ? 100 : undefined);
const HANG_MS = 10_000;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-fuzz-'));
const staticDir = path.join(work, 'ui');
fs.mkdirSync(staticDir);
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Langlab</title>');
const token = `fuzz-${seed}-token`;

// Browser mode runs in a child process, so an input that kills it is a counted crash, not the end of the run.
let child: ChildProcess | null = null;
let port = 0;
let exitNote: string | null = null;
async function ensureServer(): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) return;
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fuzz-server.ts'), path.join(work, 'server-home'), staticDir, token], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  proc.on('exit', (code, signal) => {
    exitNote = `browser-mode server exited (${signal ?? `code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', () => reject(new Error(`fuzz bench: the browser-mode server did not start: ${stderr}`)));
  });
  port = (JSON.parse(line) as { port: number }).port;
  child = proc;
  exitNote = null;
}
const server: ServerHandle = {
  port: () => port,
  token,
  died: () => (child && (child.exitCode !== null || child.signalCode !== null) ? exitNote ?? 'browser-mode server exited' : null),
};

// Started now so that it boots while the in-process backend does.
const serverReady = ensureServer();

// The in-process backend: the dispatch Electron's IPC handlers call.
const backend = startBackend({ runtime: 'browser', dataDir: path.join(work, 'dispatch-home') });

/** What the store holds, read through the contract, to show that no malformed input changed it. */
const LISTINGS = ['runs.list', 'datasets.list', 'presets.list', 'classify.jobs', 'runs.tags'];
async function snapshot(): Promise<string[]> {
  await serverReady;
  await ensureServer();
  const out: string[] = [];
  for (const name of LISTINGS) {
    out.push(JSON.stringify(await backend.dispatch(name, {})));
    const reply = await httpRequest(port, `/api/${name}`, { headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}` }, body: '{}' });
    out.push(reply.body);
  }
  return out;
}

const rng = new Rng(seed);
const groups: FuzzCase[][] = [
  dispatchCases(backend.dispatch, rng),
  httpCases(server, rng),
  wsCases(server, rng),
  fileCases({ dataDir: path.join(work, 'files-home'), scratch: path.join(work, 'files'), quick }, rng),
  cliCases({ home: path.join(work, 'cli-home'), scratch: path.join(work, 'cli-files') }, rng),
];
for (const g of groups) rng.shuffle(g);

// --count: an even draw across the groups, so a short run still touches every kind of input.
let cases: FuzzCase[] = groups.flat();
if (count !== undefined && count < cases.length) {
  const picked: FuzzCase[] = [];
  for (let i = 0; picked.length < count; i++) for (const g of groups) if (i < g.length && picked.length < count) picked.push(g[i]);
  cases = picked;
}

console.log(JSON.stringify({ seed, inputs_planned: cases.length, replay: `npm run bench:fuzz -- --seed ${seed}${count !== undefined ? ` --count ${count}` : ''}${quick ? ' --quick' : ''}` }));
const before = await snapshot();
const results: (CaseResult & { ms: number })[] = [];
for (const c of cases) {
  if (c.category === 'requests.http' || c.category === 'requests.ws') await ensureServer();
  const start = performance.now();
  const r = { ...(await runCase(c, HANG_MS)), ms: performance.now() - start };
  results.push(r);
  if (r.verdict !== 'clear') console.error(JSON.stringify(r));
}
const after = await snapshot();
const storeChanges = before.filter((s, i) => s !== after[i]).length;

const tally = (rs: (CaseResult & { ms: number })[]) => ({
  inputs: rs.length,
  clear_errors: rs.filter((r) => r.verdict === 'clear').length,
  crashes: rs.filter((r) => r.verdict === 'crash').length,
  hangs: rs.filter((r) => r.verdict === 'hang').length,
  unclear: rs.filter((r) => r.verdict === 'unclear').length,
  seconds: Math.round(rs.reduce((s, r) => s + r.ms, 0) / 100) / 10,
});
for (const category of [...new Set(results.map((r) => r.category))].sort()) {
  console.log(JSON.stringify({ category, ...tally(results.filter((r) => r.category === category)) }));
}
const summary = { seed, ...tally(results), store_changes: storeChanges };
console.log(JSON.stringify(summary));

(child as ChildProcess | null)?.kill('SIGTERM');
backend.close();
fs.rmSync(work, { recursive: true, force: true });
// Workers and sockets a malformed input left behind must not keep the bench alive.
process.exit(summary.crashes || summary.hangs || summary.store_changes ? 1 : 0);
