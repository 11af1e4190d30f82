// Does the int8 export keep a trained model's accuracy? Issue 16 allows it only within 0.1 point.
//   node --import tsx bench/int8-accuracy.ts --run <run dir> --store <store.db> [--dataset ID] [--split test]
// The run folder's best checkpoint (a from-scratch run) is exported twice, float32 and int8, as the
// run exported it (its second look included), into a temporary folder; both classify the same files
// of the dataset's split (texts read through the store, as an evaluation does), and their
// accuracies, agreement and speed are printed.
// The run's own model/ folder, when present, is classified too, to show the float re-export matches it.
// Only read from the run folder; the store is migrated to this build's schema, so give it a copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Classifier } from '../main/engine/export/classifier.ts';
import { exportClassifier } from '../main/engine/export/export-classifier.ts';
import { openStore } from '../main/store/store.ts';
import { readCheckpoint } from '../main/trainer/checkpoint.ts';
import { scratchConfigFor, scratchExportSpec } from '../main/trainer/model.ts';
import { type Hyperparameters, storedHyperparameters } from '../preload/hyperparameters.ts';
import { runSplitArgs, splitTexts } from './run-split.ts';

const { runDir, storeFile, datasetId, split } = runSplitArgs('int8 accuracy');
const { runner, state } = readCheckpoint(path.join(runDir, 'checkpoints', 'best'));
if (state.model.kind !== 'scratch') throw new Error(`int8 accuracy: ${runDir} is not a from-scratch run; only those are measured here.`);
const labels = state.labels;
// Exported as the run was (a checkpoint older than a setting reads as that setting's old behaviour):
// with the run's second look, so the float re-export classifies as the run's model/ does.
const hp = storedHyperparameters({ ...state.hyperparameters }) as unknown as Hyperparameters;
const config = scratchConfigFor(hp, labels.length);
const params = new Map(Object.entries(runner.params).map(([k, v]) => [k, v instanceof Float32Array ? v : Float32Array.from(v)]));
const spec = scratchExportSpec(hp, config, params, labels);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-int8-acc-'));
// Opened writable so an older schema is upgraded: pass a copy of a store you want to keep as it is.
const store = openStore({ file: storeFile });
try {
  exportClassifier(path.join(tmp, 'float'), spec);
  exportClassifier(path.join(tmp, 'int8'), spec, { quantize: 'int8' });
  const { files, texts } = await splitTexts(store.db, datasetId, split, 'int8 accuracy', storeFile);
  const byLower = new Map(labels.map((l) => [l.toLowerCase(), l]));
  const truth = files.map((f) => byLower.get(f.label.toLowerCase()) ?? null);
  const known = truth.filter((t) => t !== null).length;

  const variants: [string, string][] = [['float (re-export)', path.join(tmp, 'float')], ['int8', path.join(tmp, 'int8')]];
  const shipped = path.join(runDir, 'model');
  if (fs.existsSync(path.join(shipped, 'langlab-model.json'))) variants.unshift(['float (run model/)', shipped]);
  const top: Record<string, string[]> = {};
  const out: Record<string, unknown>[] = [];
  for (const [name, dir] of variants) {
    const clf = await Classifier.load(dir, { intraOpNumThreads: 1 });
    const t0 = performance.now();
    const ranked = await clf.predict(texts, { topK: 1 });
    const seconds = (performance.now() - t0) / 1000;
    await clf.close();
    top[name] = ranked.map((r) => r[0].label);
    const correct = top[name].filter((l, i) => truth[i] === l).length;
    out.push({ model: name, accuracy: correct / known, correct, filesPerSecond: Math.round(texts.length / seconds) });
    process.stderr.write(`${name.padEnd(20)} accuracy ${(100 * correct / known).toFixed(2)}% (${correct}/${known}), ${Math.round(texts.length / seconds)} files/s at 1 thread\n`);
  }
  const f = top['float (re-export)'];
  const q = top.int8;
  const agree = f.filter((l, i) => l === q[i]).length;
  const acc = (k: string) => (out.find((o) => o.model === k)!.accuracy as number);
  const deltaPoints = 100 * (acc('int8') - acc('float (re-export)'));
  process.stderr.write(`int8 - float: ${deltaPoints.toFixed(2)} points; top labels agree on ${agree}/${texts.length} files\n`);
  console.log(JSON.stringify({ bench: 'int8-accuracy', split, files: texts.length, labelled: known, results: out, deltaPoints, topLabelAgreement: agree / texts.length, withinIssueBar: Math.abs(deltaPoints) <= 0.1 }));
} finally {
  store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
