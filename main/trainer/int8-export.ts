// The int8 export of a finished from-scratch run, written next to its float model/ folder on first use
// (`langlab classify <run> <folder> --int8`). It is built from the run's best checkpoint, the weights
// model/ was exported from, so it needs no copy of the training code's state beyond what a run keeps.
import fs from 'node:fs';
import path from 'node:path';
import { exportClassifier } from '../engine/export/export-classifier.ts';
import { EXPORT_FILES, type ExportManifest } from '../engine/export/manifest.ts';
import { scratchWeightsFromParams } from '../engine/models/scratch.ts';
import { int8SumsExactly } from '../engine/runtime/int8-support.ts';
import { LanglabError } from '../errors.ts';
import { checkpointDir, hasCheckpoint, readCheckpoint } from './checkpoint.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, scratchConfigFor } from './model.ts';

/** Name of the int8 export folder inside a run folder, beside `model/`. */
export const INT8_MODEL_DIR = 'model-int8';

function readManifest(dir: string): ExportManifest | null {
  const file = path.join(dir, EXPORT_FILES.manifest);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ExportManifest;
}

/**
 * The int8 export folder for the float export at `modelDir` (a run's `model/`): `modelDir` itself when
 * it is already int8, else `<run>/model-int8`, written from the run's best checkpoint when missing or
 * older than `model/`. Throws, naming the folder and what to do, when there is no checkpoint to
 * quantize or the run is not a from-scratch one.
 */
export function int8ModelDir(modelDir: string): string {
  const float = readManifest(modelDir);
  if (float?.quantize === 'int8') return modelDir;
  const runDir = path.dirname(modelDir);
  const out = path.join(runDir, INT8_MODEL_DIR);
  const have = readManifest(out);
  const floatTime = fs.statSync(path.join(modelDir, EXPORT_FILES.manifest)).mtimeMs;
  if (have?.quantize === 'int8' && fs.statSync(path.join(out, EXPORT_FILES.manifest)).mtimeMs >= floatTime) return out;
  const best = checkpointDir(runDir, 'best');
  if (!hasCheckpoint(best)) {
    throw new LanglabError('NOT_AVAILABLE', `${modelDir} is a float32 model and ${best} holds no checkpoint to quantize; --int8 needs a run whose checkpoints are kept (or a folder exported with int8).`);
  }
  const { runner, state } = readCheckpoint(best);
  if (state.model.kind !== 'scratch') {
    throw new LanglabError('NOT_AVAILABLE', `Run folder ${runDir} fine-tunes a pretrained model; --int8 is measured and offered for from-scratch runs only. Classify without --int8.`);
  }
  const config = scratchConfigFor(state.hyperparameters, state.labels.length);
  const params = new Map(Object.entries(runner.params).map(([k, v]) => [k, v instanceof Float32Array ? v : Float32Array.from(v)]));
  const tmp = fs.mkdtempSync(path.join(runDir, '.model-int8-writing-'));
  try {
    exportClassifier(tmp, {
      family: 'scratch', config, weights: scratchWeightsFromParams(params, config), labels: state.labels,
      truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS,
    }, { quantize: 'int8' });
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

/**
 * The model folder a classification runs: the run's int8 export for `precision` int8 (written once,
 * see int8ModelDir), `floatDir` itself for float. Without a precision, int8 where this CPU sums its
 * products exactly (VNNI, where it was measured), else float. A model int8 cannot be written for (a
 * fine-tuned run, a run without checkpoints, a bare exported folder) runs float, and so does, by
 * default, one whose checkpoint cannot be read.
 */
export function classificationModelDir(floatDir: string, precision?: 'int8' | 'float'): string {
  const wanted = precision ?? (int8SumsExactly() ? 'int8' : 'float');
  // A missing model is reported where the job reads its labels, as for a float job.
  if (wanted === 'float' || !fs.existsSync(path.join(floatDir, EXPORT_FILES.manifest))) return floatDir;
  try {
    return int8ModelDir(floatDir);
  } catch (err) {
    // By default a checkpoint that cannot be read (damaged, another version) leaves the float model,
    // which classifies as before; asked for int8, only a run int8 is not offered for does.
    if (precision === undefined || (err instanceof LanglabError && err.code === 'NOT_AVAILABLE')) return floatDir;
    throw err;
  }
}
