// Kill -9 at random moments, and what is left afterwards: the store whole, no completed checkpoint
// lost, nothing half-saved visible, and a run resumed after its kills ending with the same weights
// and report as one never interrupted (at one thread). Five scenarios, each killed repeatedly:
//   cli-train     `langlab train` / `langlab resume` (training, checkpoint writes, evaluation)
//   server-engine browser mode, the run's engine process killed (the server lives on)
//   server        browser mode, the whole server process (and its engine) killed
//   dataset-save  the app's stepwise dataset save (saveDatasetInSteps)
//   classify      `langlab classify --store` (a classification job recorded in the store)
//   checkpoint    writeCheckpoint back to back, killed mid-write
// One JSON line per scenario, then a summary line {"kills":N,"corrupt":0,"lost":0,...}.
//   npm run bench:chaos [-- --seed N] [--quick] [--kills N] [--only name,name]
// --quick: 3 kills per scenario (what `npm test` runs); default 20. The seed is printed; the same
// seed draws the same kill moments (what they hit still depends on the machine's speed).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { saveDataset } from '../main/store/dataset-save.ts';
import { listDatasets } from '../main/store/datasets.ts';
import { getJobDetail, listJobs, listResults } from '../main/store/jobs.ts';
import { storePath } from '../main/store/paths.ts';
import { integrityProblems, removeUnfinishedDatasets } from '../main/store/recovery.ts';
import { getRun, listRuns, runOwnership } from '../main/store/runs.ts';
import { openStore } from '../main/store/store.ts';
import { checkpointDir, hasCheckpoint, readCheckpoint } from '../main/trainer/checkpoint.ts';
import { runDirectory } from '../main/trainer/host/run-paths.ts';
import { checkpointValues } from './chaos/checkpoint-driver.ts';
import { seededRandom } from '../preload/seeded-random.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'langlab.mjs');
const SCENARIOS = ['cli-train', 'server-engine', 'server', 'dataset-save', 'classify', 'checkpoint'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({ options: { seed: { type: 'string' }, quick: { type: 'boolean' }, kills: { type: 'string' }, only: { type: 'string' } } });
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`chaos: --seed takes a whole number, got '${values.seed}'.`);
const KILLS = values.kills !== undefined ? Number(values.kills) : values.quick ? 3 : 20;
if (!Number.isInteger(KILLS) || KILLS < 1) throw new Error(`chaos: --kills takes a positive whole number, got '${values.kills}'.`);
const only = values.only ? values.only.split(',') : [...SCENARIOS];
for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`chaos: unknown scenario '${name}'; choose from ${SCENARIOS.join(', ')}.`);
const EPOCHS = values.quick ? 3 : 5;
process.stderr.write(`chaos: seed ${seed} (repeat with --seed ${seed}), ${KILLS} kills per scenario\n`);

/** The kill moments, from the seed. */
const random = seededRandom(seed);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child process with its output kept, and a way to wait for a line. */
class Proc {
  out = '';
  err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.out += d));
    child.stderr?.on('data', (d: Buffer) => (this.err += d));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve((this.#exit = { code, signal }))));
  }
  get done(): boolean {
    return this.#exit !== null;
  }
  /** Resolves with the first match of `re` in stdout, or null once the process has exited without one. */
  async line(re: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray | null> {
    const t0 = Date.now();
    for (;;) {
      const m = this.out.match(re);
      if (m) return m;
      if (this.done || Date.now() - t0 > timeoutMs) return null;
      await sleep(10);
    }
  }
  async kill(): Promise<void> {
    if (!this.done) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function node(args: string[]): Proc {
  return new Proc(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } }));
}
const langlab = (home: string, args: string[]) => node([BIN, '--home', home, ...args]);

/** Waits `ms` or until the process exits; true when it is still running (time to kill). */
async function runsFor(p: Proc, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!p.done && Date.now() - t0 < ms) await sleep(5);
  return !p.done;
}

interface Tally {
  scenario: Scenario;
  kills: number;
  corrupt: number;
  lost: number;
  /** Runs driven to their end through kills, and how many matched the uninterrupted reference. */
  chains: number;
  chains_equal: number;
  /** Runs that ended before the moment drawn for their kill (each halves the window for later draws). */
  ended_before_kill: number;
  resumed_equal: boolean | null;
  problems: string[];
  seconds?: number;
}
const tally = (scenario: Scenario): Tally => ({ scenario, kills: 0, corrupt: 0, lost: 0, chains: 0, chains_equal: 0, ended_before_kill: 0, resumed_equal: null, problems: [] });

/** Opens the store as a reader would after the crash; counts it corrupt when SQLite finds damage or it does not open. */
function checkStore(file: string, t: Tally, recover: boolean): ReturnType<typeof openStore> | null {
  try {
    const store = openStore({ file, recoverCrashed: recover });
    const problems = integrityProblems(store.db);
    if (problems.length) {
      t.corrupt++;
      t.problems.push(`store: ${problems.slice(0, 3).join('; ')}`);
    }
    return store;
  } catch (err) {
    t.corrupt++;
    t.problems.push(`store does not open: ${(err as Error).message}`);
    return null;
  }
}

// ---- the training runs: a tiny scratch model on a tiny dataset, one thread -------------------

const HP: Record<string, number> = {
  d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 48, batch_size: 4, epochs: EPOCHS,
  learning_rate: 5e-3, warmup_ratio: 0.1, seed: 7, early_stopping_patience: 0,
  // Dropout on, so a resumed run must also restore the dropout generator's state to match.
  dropout: 0.1,
};
const HP_FLAGS = Object.entries(HP).flatMap(([k, v]) => [`--${k.replaceAll('_', '-')}`, String(v)]);

const CLASSES: Record<string, (i: number) => string> = {
  curly: (i) => `function f${i}() {\n  return { a: ${i}, b: [${i}, ${i + 1}] };\n}\n`.repeat(1 + (i % 3)),
  hash: (i) => `# note ${i}\nvalue_${i} = ${i * 7}\nprint(value_${i})\n`.repeat(1 + (i % 2)),
  angle: (i) => `<item id="${i}">\n  <name>n${i}</name>\n</item>\n`.repeat(1 + (i % 4)),
};
function writeFolder(root: string, perClass: number): void {
  for (const [label, text] of Object.entries(CLASSES)) {
    fs.mkdirSync(path.join(root, label), { recursive: true });
    for (let i = 0; i < perClass; i++) fs.writeFileSync(path.join(root, label, `f${i}.txt`), text(i));
  }
}

/** What must match between a resumed run and the reference: a hash of the final weights and the reports. */
interface Outcome {
  weights: string;
  report: string;
}
function outcome(home: string, runId: number): Outcome {
  const store = openStore({ file: storePath(home), readonly: true });
  try {
    const owner = runOwnership(store.db, runId);
    const dir = owner?.artifactDir ? path.resolve(home, owner.artifactDir) : runDirectory(home, runId);
    const { runner } = readCheckpoint(checkpointDir(dir, 'last'));
    const h = createHash('sha256');
    for (const name of Object.keys(runner.params).sort()) h.update(name).update(new Uint8Array(runner.params[name].buffer));
    const run = getRun(store.db, runId);
    const report = {
      status: run.status,
      epochs: run.latest.epochs_completed, best_val_loss: run.latest.best_val_loss, best_val_accuracy: run.latest.best_val_accuracy,
      evaluations: run.evaluations.map(({ id: _id, createdAt: _at, ...e }) => e),
    };
    return { weights: h.digest('hex').slice(0, 16), report: JSON.stringify(report) };
  } finally {
    store.close();
  }
}

/** The highest step seen in a run's last checkpoint while it trained (the benchmark polls it). */
function watchCheckpoint(dirOf: () => string | null): { stop: () => number; peek: () => number } {
  let best = 0;
  const timer = setInterval(() => {
    const dir = dirOf();
    if (!dir) return;
    const last = checkpointDir(dir, 'last');
    for (const at of [last, `${last}.old`]) {
      try {
        best = Math.max(best, (JSON.parse(fs.readFileSync(path.join(at, 'state.json'), 'utf8')) as { step: number }).step);
      } catch {
        // Not there (yet), or renamed away between the listing and the read.
      }
    }
  }, 15);
  return { stop: () => (clearInterval(timer), best), peek: () => best };
}

/** After a kill: the last checkpoint reads back and is at least as far as the last one seen. */
function checkCheckpoint(runDir: string, seenStep: number, t: Tally): boolean {
  const last = checkpointDir(runDir, 'last');
  if (!hasCheckpoint(last)) {
    if (seenStep > 0) {
      t.lost++;
      t.problems.push(`${last}: gone after the kill (step ${seenStep} was written)`);
    }
    return false;
  }
  try {
    const step = readCheckpoint(last).state.step;
    if (step < seenStep) {
      t.lost++;
      t.problems.push(`${last}: step ${step} after the kill, step ${seenStep} had been written`);
    }
    return true;
  } catch (err) {
    t.lost++;
    t.problems.push(`${last}: unreadable after the kill: ${(err as Error).message}`);
    return false;
  }
}

const RESUMABLE = ['INTERRUPTED', 'KILLED', 'FAILED'];

/** Counts a chain's end: its outcome against the reference. */
function endChain(t: Tally, home: string, runId: number, reference: Outcome, killed: number): void {
  if (killed === 0) return; // never interrupted: nothing resumed to compare
  t.chains++;
  const got = outcome(home, runId);
  if (got.weights === reference.weights && got.report === reference.report) t.chains_equal++;
  else t.problems.push(`run ${runId} (killed ${killed} times) ended with weights ${got.weights} vs ${reference.weights}${got.report === reference.report ? '' : ', and another report'}`);
}

interface Env {
  home: string;
  datasetId: number;
  reference: Outcome;
  referenceRunId: number;
  /** Wall seconds of an uninterrupted `langlab train` process, and of its training alone. */
  processSeconds: number;
  trainSeconds: number;
}

async function setUp(tmp: string): Promise<Env> {
  const home = path.join(tmp, 'home');
  writeFolder(path.join(tmp, 'data'), 16);
  const store = openStore({ file: storePath(home) });
  const datasetId = saveDataset(store.db, await datasetFromFolder(path.join(tmp, 'data')));
  store.close();
  const t0 = performance.now();
  const ref = langlab(home, ['train', '--dataset', String(datasetId), '--model', 'scratch', ...HP_FLAGS, '--threads', '1', '--name', 'reference', '--json']);
  await ref.exited;
  const line = ref.out.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line || '{}') as { run_id?: number; status?: string; wall_seconds?: number };
  if (result.status !== 'FINISHED' || result.run_id === undefined) throw new Error(`chaos: the reference run did not finish:\n${ref.err.slice(-2000)}`);
  return {
    home, datasetId, referenceRunId: result.run_id, reference: outcome(home, result.run_id),
    processSeconds: (performance.now() - t0) / 1000, trainSeconds: result.wall_seconds ?? 1,
  };
}

function runCount(home: string): number {
  const store = openStore({ file: storePath(home), readonly: true });
  try {
    return listRuns(store.db, {}).total;
  } finally {
    store.close();
  }
}

/**
 * When to kill a `langlab train` or `resume` process, in ms from now: one kill in five at any moment
 * of its start (loading, opening the store), the others within its training, evaluation and export,
 * which take a few seconds of a process that spends most of its life starting.
 */
async function killMoment(p: Proc, env: Env, reach: KillWindow): Promise<number> {
  if (random() < 0.2) return random() * env.processSeconds * 1000 * reach.scale;
  const t0 = Date.now();
  while (!p.done && !/\d+% (?!preparing)\w/.test(p.err) && Date.now() - t0 < 120_000) await sleep(5);
  return random() * (env.trainSeconds + 1) * 1200 * reach.scale;
}

/**
 * How much of the measured run time kill moments are drawn from. A loaded machine stretches the
 * reference's start but can leave a resumed run only a moment of work, so a moment drawn from the
 * whole time may come after the run has ended: each run that ends before its kill halves the window
 * for the next draws (never below 1/64), so that every scenario reaches its kills.
 */
class KillWindow {
  scale = 1;
  constructor(readonly t: Tally) {}
  miss(): void {
    this.t.ended_before_kill++;
    this.scale = Math.max(this.scale / 2, 1 / 64);
  }
}

// ---- cli-train ------------------------------------------------------------------------------

async function cliTrain(env: Env): Promise<Tally> {
  const t = tally('cli-train');
  const reach = new KillWindow(t);
  let runId: number | null = null;
  let killedInChain = 0;
  for (let attempt = 0; attempt < KILLS * 4 + 10; attempt++) {
    const finishing = t.kills >= KILLS;
    if (finishing && runId === null && t.chains > 0) break;
    const before = runCount(env.home);
    const guess: number | null = runId;
    const p = guess === null
      ? langlab(env.home, ['train', '--dataset', String(env.datasetId), '--model', 'scratch', ...HP_FLAGS, '--threads', '1', '--json'])
      : langlab(env.home, ['resume', String(guess), '--threads', '1', '--json']);
    const id: number = guess ?? before + 1; // run ids count up; nothing is deleted here
    const watch = watchCheckpoint(() => runDirectory(env.home, id));
    let kill: boolean;
    if (finishing && guess === null) {
      // No run was resumed to its end yet: kill this one once its first checkpoint exists, then resume it.
      while (!p.done && watch.peek() === 0) await sleep(5);
      kill = !p.done;
    } else if (finishing) kill = await runsFor(p, Infinity);
    else kill = await runsFor(p, await killMoment(p, env, reach));
    if (kill) await p.kill();
    else await p.exited;
    const seen = watch.stop();
    if (!kill) {
      const last = JSON.parse(p.out.trim().split('\n').at(-1) || '{}') as { status?: string; run_id?: number };
      if (last.status === 'FINISHED' && last.run_id !== undefined) {
        if (!finishing) reach.miss();
        endChain(t, env.home, last.run_id, env.reference, killedInChain);
        runId = null;
        killedInChain = 0;
        if (finishing) break;
        continue;
      }
      t.problems.push(`${guess === null ? 'train' : `resume ${guess}`} ended ${last.status ?? `with code ${(await p.exited).code}`}: ${p.err.trim().split('\n').at(-1)}`);
      runId = null;
      killedInChain = 0;
      continue;
    }
    t.kills++;
    killedInChain++;
    const store = checkStore(storePath(env.home), t, true);
    if (!store) break;
    const exists = listRuns(store.db, {}).total > before || guess !== null;
    const status = exists ? getRun(store.db, id).status : null;
    store.close();
    if (!exists) {
      killedInChain = 0; // killed before the run existed: the next attempt starts one
      continue;
    }
    if (status === 'FINISHED') {
      // Killed after the run had ended in the store (while the process printed its last line).
      endChain(t, env.home, id, env.reference, killedInChain);
      runId = null;
      killedInChain = 0;
      continue;
    }
    if (!RESUMABLE.includes(status!)) t.problems.push(`run ${id} is ${status} after the kill (expected INTERRUPTED)`);
    if (checkCheckpoint(runDirectory(env.home, id), seen, t)) runId = id;
    else {
      runId = null; // killed before its first checkpoint: not resumable, start again
      killedInChain = 0;
    }
  }
  return t;
}

// ---- browser mode: engine kills and server kills -------------------------------------------

class Host {
  readonly proc: Proc;
  #url: URL | null = null;
  constructor(home: string) {
    this.proc = node(['--import', 'tsx', path.join(ROOT, 'bench', 'chaos', 'server-host.ts'), home]);
  }
  async ready(): Promise<void> {
    const m = await this.proc.line(/^url (\S+)$/m);
    if (!m) throw new Error(`chaos: the server did not start:\n${this.proc.err.slice(-2000)}`);
    this.#url = new URL(m[1]);
  }
  engines(): number[] {
    return [...this.proc.out.matchAll(/^engine (\d+)$/gm)].map((m) => Number(m[1]));
  }
  async call<T>(name: string, args: unknown): Promise<T> {
    const url = new URL(`/api/${name}`, this.#url!);
    url.searchParams.set('token', this.#url!.searchParams.get('token') ?? '');
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
    const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
    return body.result as T;
  }
  async status(id: number): Promise<string> {
    return (await this.call<{ status: string }>('runs.get', { id })).status;
  }
}

async function serverScenario(env: Env, which: 'server-engine' | 'server'): Promise<Tally> {
  const t = tally(which);
  const reach = new KillWindow(t);
  let host = new Host(env.home);
  await host.ready();
  let runId: number | null = null;
  let killedInChain = 0;
  try {
    for (let attempt = 0; attempt < KILLS * 4 + 10; attempt++) {
      const finishing = t.kills >= KILLS;
      if (finishing && runId === null && t.chains > 0) break;
      const engines = host.engines().length;
      let id: number;
      try {
        id = runId === null
          ? (await host.call<{ runId: number }>('runs.start', { datasetId: env.datasetId, model: { kind: 'scratch' }, hyperparameters: HP, provider: 'cpu' })).runId
          : (await host.call<{ runId: number }>('runs.resume', { id: runId })).runId;
      } catch (err) {
        t.problems.push((err as Error).message);
        runId = null;
        killedInChain = 0;
        continue;
      }
      const watch = watchCheckpoint(() => runDirectory(env.home, id));
      while (host.engines().length === engines && !host.proc.done) await sleep(5);
      const engine = host.engines().at(-1)!;
      // As killMoment: one kill in five from the engine's start (loading), the others within training,
      // counted from its first checkpoint; a run not yet resumed to its end is killed at that checkpoint.
      const firstChain = finishing && runId === null && t.chains === 0;
      const early = !finishing && random() < 0.2;
      let status = 'RUNNING';
      if (!early) {
        while (status === 'RUNNING' && watch.peek() === 0) {
          await sleep(20);
          status = await host.status(id);
        }
      }
      const delay = firstChain ? 0 : finishing ? Infinity : random() * (early ? env.processSeconds : env.trainSeconds + 0.5) * 1000 * reach.scale;
      const t0 = Date.now();
      while (status === 'RUNNING' && Date.now() - t0 < delay) {
        await sleep(20);
        status = await host.status(id);
      }
      if (status !== 'RUNNING') {
        watch.stop();
        if (status === 'FINISHED') {
          if (!finishing) reach.miss();
          endChain(t, env.home, id, env.reference, killedInChain);
          runId = null;
          killedInChain = 0;
          if (finishing) break;
        } else {
          t.problems.push(`run ${id} ended ${status} without a kill`);
          runId = RESUMABLE.includes(status) ? id : null;
        }
        continue;
      }
      t.kills++;
      killedInChain++;
      if (which === 'server-engine') {
        try {
          process.kill(engine, 'SIGKILL');
        } catch {
          // It had just ended.
        }
        const t1 = Date.now();
        while ((status = await host.status(id)) === 'RUNNING' && Date.now() - t1 < 30_000) await sleep(20);
        await host.call('app.info', {}).catch((err: Error) => t.problems.push(`the server stopped answering after its engine was killed: ${err.message}`));
        const store = checkStore(storePath(env.home), t, false);
        store?.close();
      } else {
        await host.proc.kill();
        try {
          process.kill(engine, 'SIGKILL'); // the app's engine dies with it, as a utility process does
        } catch {
          // Gone already.
        }
        await sleep(50);
        const store = checkStore(storePath(env.home), t, false);
        store?.close();
        host = new Host(env.home); // the next start recovers what the kill left
        await host.ready();
        status = await host.status(id);
      }
      const seen = watch.stop();
      if (status === 'FINISHED') {
        endChain(t, env.home, id, env.reference, killedInChain);
        runId = null;
        killedInChain = 0;
        continue;
      }
      if (!RESUMABLE.includes(status)) t.problems.push(`run ${id} is ${status} after the kill (expected ${which === 'server' ? 'INTERRUPTED' : 'FAILED or INTERRUPTED'})`);
      if (checkCheckpoint(runDirectory(env.home, id), seen, t)) runId = id;
      else {
        runId = null;
        killedInChain = 0;
      }
    }
  } finally {
    await host.proc.kill();
    for (const pid of host.engines()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended.
      }
    }
  }
  return t;
}

// ---- dataset save ---------------------------------------------------------------------------

async function datasetSave(tmp: string): Promise<Tally> {
  const t = tally('dataset-save');
  const dir = path.join(tmp, 'save');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'langlab.db');
  const table = path.join(dir, 'rows.csv');
  const labels = ['python', 'javascript', 'java', 'yml'];
  const rows = values.quick ? 6000 : 20000;
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) lines.push(`"${`value_${i} = ${i * 7}\\n`.repeat(1 + (i % 20))}",${labels[i % 4]}`);
  fs.writeFileSync(table, lines.join('\n') + '\n');
  const saved = new Set<number>();
  const drive = () => node(['--import', 'tsx', path.join(ROOT, 'bench', 'chaos', 'save-driver.ts'), file, table]);
  // One save to its end: how long the stepwise save takes, to draw kill moments within it.
  const ref = drive();
  await ref.line(/^scanned$/m);
  const t0 = performance.now();
  await ref.exited;
  const saveMs = performance.now() - t0;
  const first = ref.out.match(/^saved (\d+)$/m);
  if (!first) throw new Error(`chaos: the reference dataset save failed:\n${ref.err.slice(-2000)}`);
  saved.add(Number(first[1]));
  for (let attempt = 0; t.kills < KILLS && attempt < KILLS * 4; attempt++) {
    const p = drive();
    if (!(await p.line(/^scanned$/m))) {
      t.problems.push(`save-driver: ${p.err.trim().split('\n').at(-1)}`);
      continue;
    }
    const kill = await runsFor(p, random() * saveMs * 1.1);
    if (kill) await p.kill();
    else await p.exited;
    const done = p.out.match(/^saved (\d+)$/m);
    if (done) saved.add(Number(done[1]));
    if (!kill) continue;
    t.kills++;
    // What the app lists before any recovery, then after the next start's recovery: only whole saves.
    for (const recover of [false, true]) {
      const store = checkStore(file, t, recover);
      if (!store) return t;
      const visible = listDatasets(store.db).map((d) => d.id);
      const extra = visible.filter((id) => !saved.has(id));
      if (extra.length || visible.length !== saved.size) t.problems.push(`datasets listed ${recover ? 'after' : 'before'} recovery: ${visible.join(',')}; saved whole: ${[...saved].join(',')}`);
      if (recover && removeUnfinishedDatasets(store.db) !== 0) t.problems.push('rows of a half-saved dataset were left after recovery');
      store.close();
    }
  }
  return t;
}

// ---- classification jobs --------------------------------------------------------------------

async function classify(env: Env, tmp: string): Promise<Tally> {
  const t = tally('classify');
  const folder = path.join(tmp, 'classify');
  writeFolder(folder, values.quick ? 150 : 300);
  const job = () => langlab(env.home, ['classify', String(env.referenceRunId), folder, '--store', '--json']);
  const t0 = performance.now();
  const ref = job();
  await ref.exited;
  const refMs = performance.now() - t0;
  if ((await ref.exited).code !== 0) throw new Error(`chaos: the reference classification failed:\n${ref.err.slice(-2000)}`);
  for (let attempt = 0; t.kills < KILLS && attempt < KILLS * 4; attempt++) {
    const before = (() => {
      const s = openStore({ file: storePath(env.home), readonly: true });
      const n = listJobs(s.db).length;
      s.close();
      return n;
    })();
    const p = job();
    const kill = await runsFor(p, random() * refMs * 1.1);
    if (!kill) continue;
    await p.kill();
    t.kills++;
    const store = checkStore(storePath(env.home), t, true);
    if (!store) return t;
    const jobs = listJobs(store.db);
    if (jobs.length > before) {
      const detail = getJobDetail(store.db, jobs[0].id)!;
      // FINISHED: the job had ended in the store before the kill (while the process printed its lines).
      if (detail.status !== 'INTERRUPTED' && detail.status !== 'FINISHED') t.problems.push(`job ${detail.id} is ${detail.status} after the kill (expected INTERRUPTED)`);
      const stored = listResults(store.db, { id: detail.id, limit: 1 }).total;
      // Each batch's results and the count of files done are written in one transaction.
      if (stored !== detail.filesDone) t.problems.push(`job ${detail.id}: ${stored} results stored but ${detail.filesDone} files counted done`);
    }
    store.close();
  }
  return t;
}

// ---- checkpoint writes ----------------------------------------------------------------------

async function checkpoints(tmp: string): Promise<Tally> {
  const t = tally('checkpoint');
  const dir = checkpointDir(path.join(tmp, 'ckpt'), 'last');
  const size = 131_072;
  let exact = true;
  for (let attempt = 0; t.kills < KILLS && attempt < KILLS * 4; attempt++) {
    const p = node(['--import', 'tsx', path.join(ROOT, 'bench', 'chaos', 'checkpoint-driver.ts'), dir, String(size)]);
    if (!(await p.line(/^ready \d+$/m))) {
      t.corrupt++;
      t.problems.push(`checkpoint-driver could not continue from ${dir}: ${p.err.trim().split('\n').at(-1)}`);
      break;
    }
    if (!(await runsFor(p, 20 + random() * 400))) continue;
    await p.kill();
    t.kills++;
    const written = Math.max(0, ...[...p.out.matchAll(/^(?:written|ready) (\d+)$/gm)].map((m) => Number(m[1])));
    try {
      const back = readCheckpoint(dir);
      if (back.state.step < written) {
        t.lost++;
        t.problems.push(`checkpoint at step ${back.state.step} after the kill; step ${written} had been written`);
      }
      const want = checkpointValues(back.state.step, size);
      const same = Object.keys(want.runner.params).every((k) =>
        Buffer.compare(Buffer.from(back.runner.params[k].buffer), Buffer.from(want.runner.params[k].buffer)) === 0 &&
        Buffer.compare(Buffer.from(back.runner.v[k].buffer), Buffer.from(want.runner.v[k].buffer)) === 0);
      if (!same) exact = false;
    } catch (err) {
      if (written > 0) {
        t.lost++;
        t.problems.push(`no readable checkpoint after the kill: ${(err as Error).message}`);
      }
    }
  }
  t.resumed_equal = exact;
  return t;
}

// ---- main -----------------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-chaos-'));
const results: Tally[] = [];
const tStart = performance.now();
try {
  const needEnv = only.some((s) => ['cli-train', 'server-engine', 'server', 'classify'].includes(s));
  const env = needEnv ? await setUp(tmp) : null;
  if (env) process.stderr.write(`chaos: reference run ${env.referenceRunId}: weights ${env.reference.weights}, ${env.processSeconds.toFixed(1)} s as a process\n`);
  const runners: Record<Scenario, () => Promise<Tally>> = {
    'cli-train': () => cliTrain(env!),
    'server-engine': () => serverScenario(env!, 'server-engine'),
    server: () => serverScenario(env!, 'server'),
    'dataset-save': () => datasetSave(tmp),
    classify: () => classify(env!, tmp),
    checkpoint: () => checkpoints(tmp),
  };
  for (const name of SCENARIOS) {
    if (!only.includes(name)) continue;
    const t0 = performance.now();
    const t = await runners[name]();
    if (t.resumed_equal === null && t.chains > 0) t.resumed_equal = t.chains_equal === t.chains;
    t.seconds = Math.round((performance.now() - t0) / 100) / 10;
    results.push(t);
    process.stdout.write(JSON.stringify(t) + '\n');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const sum = (k: 'kills' | 'corrupt' | 'lost' | 'chains' | 'chains_equal') => results.reduce((a, t) => a + t[k], 0);
const summary = {
  kills: sum('kills'),
  corrupt: sum('corrupt'),
  lost: sum('lost'),
  resumed_equal: results.every((t) => t.resumed_equal !== false),
  resumed_runs: sum('chains'),
  resumed_runs_equal: sum('chains_equal'),
  problems: results.reduce((a, t) => a + t.problems.length, 0),
  scenarios: results.length,
  seed,
  seconds: Math.round((performance.now() - tStart) / 100) / 10,
};
process.stdout.write(JSON.stringify(summary) + '\n');
process.exitCode = summary.corrupt === 0 && summary.lost === 0 && summary.resumed_equal && summary.problems === 0 ? 0 : 1;
