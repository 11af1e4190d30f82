// `node --import tsx bench/prefix-cache-accuracy.ts [--data <bench dataset>] [--seeds N] [--threads N]`:
// whether training from the frozen-layer cache (dropout off in the frozen layers) reaches the
// accuracy of training without it (dropout everywhere, as the reference script), on a tiny run: a
// small random RoBERTa (4 layers, the lower 2 frozen) fine-tuned on a few projects of the 8 core
// classes of the benchmark dataset (`npm run bench:dataset`), each seed with and without the cache,
// alternating. Prints one JSON line per run and a summary line (mean and range of each side).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultHyperparameters, type Hyperparameters } from '../preload/hyperparameters.ts';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { writeTinyRoberta } from '../main/engine/io/tiny-roberta.ts';
import { saveDataset } from '../main/store/dataset-save.ts';
import { openStore } from '../main/store/store.ts';
import { train } from '../main/trainer/train.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const data = opt('--data', '/work/bench-v3');
const seeds = Number(opt('--seeds', '3'));
const threads = Number(opt('--threads', '2'));
const CLASSES = ['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml'];
const PROJECTS = 10;
const FILES_PER_PROJECT = 8;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-prefix-acc-'));
const root = path.join(dir, 'data');
for (const c of CLASSES) {
  const projects = fs.readdirSync(path.join(data, c)).sort().slice(0, PROJECTS);
  for (const p of projects) {
    const files = fs.readdirSync(path.join(data, c, p)).filter((f) => fs.statSync(path.join(data, c, p, f)).isFile()).sort().slice(0, FILES_PER_PROJECT);
    fs.mkdirSync(path.join(root, c, p), { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(data, c, p, f), path.join(root, c, p, f));
  }
}
const storeFile = path.join(dir, 'store.db');
const store = openStore({ file: storeFile });
const datasetId = saveDataset(store.db, await datasetFromFolder(root, {}));
store.close();
const modelDir = path.join(dir, 'model');
writeTinyRoberta(modelDir, { hidden_size: 64, num_hidden_layers: 4, num_attention_heads: 4, intermediate_size: 128, max_length: 130, seed: 5 });

const silent = { progress() {}, metrics() {}, log() {} };
const results: Record<'cached' | 'uncached', number[]> = { cached: [], uncached: [] };
for (let seed = 1; seed <= seeds; seed++) {
  for (const cached of [false, true]) {
    const hp: Hyperparameters = {
      ...defaultHyperparameters('pretrained'), max_length: 128, batch_size: 16, epochs: 6, learning_rate: 2e-3, unfreeze_last_n_layers: 2,
      early_stopping_patience: 0, seed, cache_frozen_layers: cached,
    };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const out = await train({
      runId: 1, storeFile, datasetId, model: { kind: 'pretrained', path: modelDir }, hyperparameters: hp, provider: 'cpu',
      runDir: path.join(dir, `run-${seed}-${cached}`), resume: false, threads,
    }, silent, new AbortController().signal);
    const acc = out.evaluation!.accuracy;
    results[cached ? 'cached' : 'uncached'].push(acc);
    console.log(JSON.stringify({ seed, cached, test_accuracy: +acc.toFixed(4), best_val_loss: +out.bestValLoss!.toFixed(4), wall_s: +((performance.now() - t0) / 1000).toFixed(1),
      // CPU seconds of this process: on a shared machine a fairer cost than the wall time.
      cpu_s: +((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6).toFixed(1) }));
  }
}
const summary = (xs: number[]) => ({ mean: +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4), min: +Math.min(...xs).toFixed(4), max: +Math.max(...xs).toFixed(4) });
console.log(JSON.stringify({ summary: true, files_per_class: PROJECTS * FILES_PER_PROJECT, cached: summary(results.cached), uncached: summary(results.uncached) }));
fs.rmSync(dir, { recursive: true, force: true });
