// `npm run bench:classify -- --int8 --folder <dir>`: inference alone (the folder's texts already in
// memory, tokenize + session.run, as the prediction worker does) with the float32 export and the int8
// export (graph/quantize.ts) of the same from-scratch defaults' model (random weights: inference costs
// what a trained one does), side by side in this process, alternately, `--repeats` passes each
// (default 3), at 1 intra-op thread (what classification jobs use on 2 cores) and at every core.
// Prints files/s medians, the int8/float ratio, the machine's load, and how often the two agree on the
// top label (with random weights that says little; bench/int8-accuracy.ts measures a trained model).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Classifier } from '../main/engine/export/classifier.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { initScratchWeights } from '../main/engine/models/scratch.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from '../main/trainer/model.ts';
import { defaultHyperparameters } from '../preload/hyperparameters.ts';

const MAX_BYTES = 1 << 20;

/** Every regular file under `root` that reads as text (no NUL byte, at most 1 MiB). */
function readTexts(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size <= MAX_BYTES) {
        const t = fs.readFileSync(p, 'utf8');
        if (!t.includes('\0')) out.push(t);
      }
    }
  };
  walk(root);
  return out;
}

export async function int8Bench(folder: string, labels: string[], repeats: number): Promise<void> {
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const texts = readTexts(folder);
  if (texts.length === 0) throw new Error(`classify bench --int8: ${folder} holds no text files to classify`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-bench-int8-'));
  try {
    const hp = defaultHyperparameters('scratch');
    const config = scratchConfigFor(hp, labels.length);
    const spec = {
      family: 'scratch' as const, config, weights: initScratchWeights(config, 1), labels,
      truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS,
    };
    exportClassifier(path.join(dir, 'float'), spec);
    exportClassifier(path.join(dir, 'int8'), spec, { quantize: 'int8' });
    const cpus = os.availableParallelism();
    const loadBefore = os.loadavg();
    const results: Record<string, unknown>[] = [];
    for (const threads of [...new Set([1, cpus])]) {
      const models = { float: await Classifier.load(path.join(dir, 'float'), { intraOpNumThreads: threads }), int8: await Classifier.load(path.join(dir, 'int8'), { intraOpNumThreads: threads }) };
      const rates = { float: [] as number[], int8: [] as number[] };
      let top: { float: number[]; int8: number[] } = { float: [], int8: [] };
      for (let r = 0; r < repeats; r++) {
        for (const k of ['float', 'int8'] as const) {
          const t0 = performance.now();
          const probs = await models[k].probabilities(texts, 16);
          rates[k].push(texts.length / ((performance.now() - t0) / 1000));
          if (r === 0) top = { ...top, [k]: probs.map((p) => p.indexOf(Math.max(...p))) };
        }
      }
      await Promise.all([models.float.close(), models.int8.close()]);
      const f = median(rates.float);
      const q = median(rates.int8);
      const agree = top.float.filter((v, i) => v === top.int8[i]).length / texts.length;
      const row = { threads, floatFilesPerSecond: round(f, 0), int8FilesPerSecond: round(q, 0), ratio: round(q / f, 2), topLabelAgreement: round(agree, 4) };
      results.push(row);
      process.stderr.write(`intra ${threads}: float ${row.floatFilesPerSecond} files/s, int8 ${row.int8FilesPerSecond} files/s, int8/float ${row.ratio}x (passes: float ${rates.float.map((x) => round(x, 0)).join(', ')}; int8 ${rates.int8.map((x) => round(x, 0)).join(', ')})\n`);
    }
    console.log(JSON.stringify({
      bench: 'classify-int8', files: texts.length, model: { d_model: config.d_model, num_layers: config.num_layers, max_length: config.max_length },
      repeats, loadAverage1mBefore: round(loadBefore[0], 2), loadAverage1mAfter: round(os.loadavg()[0], 2), results,
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
