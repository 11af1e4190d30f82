// How responsive the main thread stays while a run trains: starts a real training run through the
// RunManager (worker thread, store writes, progress and log events forwarded as a transport would)
// and samples the event loop's delay the whole time with perf_hooks.monitorEventLoopDelay.
//
//   npm run bench:lag [-- --data <dataset folder>] [--epochs N] [--baseline S]
//
// It first samples S seconds (default 5) with nothing training, and while the run trains a separate
// idle Node process samples its own loop: on a shared machine other processes delay every thread,
// and that bystander shows how much of the lag is the machine's rather than the run's.
// Without --data it builds the small benchmark dataset (scripts/bench-dataset.ts --small). The model
// is the from-scratch default, so the worker is as busy as in a real run. Target: p99 < 20 ms.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { EventHub } from '../main/api/events.ts';
import { datasetFromFolder } from '../main/data/index.ts';
import { saveDataset } from '../main/store/dataset-save.ts';
import { metricPointCount } from '../main/store/metrics.ts';
import { storePath } from '../main/store/paths.ts';
import { openStore } from '../main/store/store.ts';
import { RunManager } from '../main/trainer/host/run-manager.ts';

const TARGET_P99_MS = 20;
const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { data: { type: 'string' }, epochs: { type: 'string', default: '1' }, baseline: { type: 'string', default: '5' } } });
const ms = (ns: number) => ns / 1e6;

/** p50, p99 and max of the delay beyond the 10 ms sampling interval itself. */
function lag(h: ReturnType<typeof monitorEventLoopDelay>) {
  const beyond = (ns: number) => Math.max(0, ms(ns) - 10);
  return { p50: beyond(h.percentile(50)), p99: beyond(h.percentile(99)), max: beyond(h.max), samples: h.count };
}
/** An idle process that samples its own event loop until its stdin closes, then prints the same numbers. */
const BYSTANDER = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
process.stdin.resume();
process.stdin.on('end', () => { h.disable(); const b = (ns) => Math.max(0, ns / 1e6 - 10);
  console.log(JSON.stringify({ p50: b(h.percentile(50)), p99: b(h.percentile(99)), max: b(h.max), samples: h.count })); });`;

function startBystander(): () => Promise<ReturnType<typeof lag>> {
  const child = spawn(process.execPath, ['-e', BYSTANDER], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return () => {
    child.stdin.end();
    return new Promise((resolve) => child.on('exit', () => resolve(JSON.parse(out) as ReturnType<typeof lag>)));
  };
}

const fmt = (l: ReturnType<typeof lag>) => `p50 ${l.p50.toFixed(2)} ms   p99 ${l.p99.toFixed(2)} ms   max ${l.max.toFixed(2)} ms   (${l.samples} samples)`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-lag-'));
try {
  let data = values.data ? path.resolve(values.data) : path.join(work, 'bench-small');
  if (!values.data) {
    const built = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench-dataset.ts'), '--out', data, '--small'], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the small benchmark dataset failed:\n${built.stderr}`);
  }
  const dataDir = path.join(work, 'home');
  const store = openStore({ file: storePath(dataDir) });
  const datasetId = saveDataset(store.db, await datasetFromFolder(data));
  const events = new EventHub();
  // What a browser-mode transport does with every event: serialise it for its sockets.
  let eventCount = 0;
  let bytes = 0;
  events.subscribe((name, payload) => {
    eventCount++;
    bytes += JSON.stringify({ name, payload }).length;
  });
  const manager = new RunManager({ store, dataDir, events });

  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Number(values.baseline) * 1000));
  idle.disable();

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const stopBystander = startBystander();
  const t0 = performance.now();
  histogram.enable();
  const { runId } = await manager.start({ datasetId, model: { kind: 'scratch' }, hyperparameters: { epochs: Number(values.epochs) }, provider: 'cpu' });
  const summary = await manager.waitFor(runId);
  histogram.disable();
  const bystander = await stopBystander();
  const seconds = (performance.now() - t0) / 1000;
  const metrics = metricPointCount(store.db, runId);
  manager.close();
  store.close();

  const base = lag(idle);
  const during = lag(histogram);
  console.log(`Run ${runId} ${summary.status} in ${seconds.toFixed(1)} s (${summary.error ?? 'no error'}); ${metrics} metric points, ${eventCount} events (${(bytes / 1024).toFixed(0)} KiB) on the main thread.`);
  console.log(`Main-thread event-loop lag (delay beyond a 10 ms timer), ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)}:`);
  console.log(`  idle, before the run:  ${fmt(base)}`);
  console.log(`  while training:        ${fmt(during)}`);
  console.log(`  idle bystander process, same window: ${fmt(bystander)}`);
  console.log(`  p99 while training / bystander p99: ${(during.p99 / Math.max(bystander.p99, 0.01)).toFixed(2)}x; target p99 < ${TARGET_P99_MS} ms: ${during.p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ bench: 'event-loop-lag', status: summary.status, seconds, idle: base, training: during, bystander, target_p99_ms: TARGET_P99_MS }));
  process.exitCode = summary.status === 'FINISHED' && during.p99 < TARGET_P99_MS ? 0 : 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
