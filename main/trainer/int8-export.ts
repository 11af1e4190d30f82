// The int8 export of a finished from-scratch run, written next to its float model/ folder on first use
// (`langlab classify <run> <folder> --int8`). It is built from the run's best checkpoint, the weights
// model/ was exported from, so it needs no copy of the training code's state beyond what a run keeps.
import fs from 'node:fs';
import path from 'node:path';
import { exportClassifier } from '../engine/export/export-classifier.ts';
import { EXPORT_FILES, type ExportManifest } from '../engine/export/manifest.ts';
import { int8SumsExactly } from '../engine/runtime/int8-support.ts';
import type { ClassifyPrecision } from '../../preload/contract-classify.ts';
import { type Hyperparameters, storedHyperparameters } from '../../preload/hyperparameters.ts';
import { LanglabError } from '../errors.ts';
import { checkpointDir, hasCheckpoint, readCheckpoint } from './checkpoint.ts';
import { scratchConfigFor, scratchExportSpec } from './model.ts';

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
  // A checkpoint written before a hyperparameter existed reads as that setting's old behaviour.
  const hp = storedHyperparameters({ ...state.hyperparameters }) as unknown as Hyperparameters;
  const config = scratchConfigFor(hp, state.labels.length);
  const params = new Map(Object.entries(runner.params).map(([k, v]) => [k, v instanceof Float32Array ? v : Float32Array.from(v)]));
  const tmp = fs.mkdtempSync(path.join(runDir, '.model-int8-writing-'));
  try {
    exportClassifier(tmp, scratchExportSpec(hp, config, params, state.labels), { quantize: 'int8' });
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

/**
 * The model folder a classification runs and the precision it computes in. Asked for float32, the
 * float export; asked for int8, the run's int8 export (written once, see int8ModelDir), or an error
 * naming the run's folder and what to pick instead when int8 is not offered for it (a fine-tuned run,
 * a run without checkpoints). Without a precision: int8 where this CPU sums its products exactly (VNNI,
 * where its accuracy was measured) and the run can have an int8 export, else float32.
 */
export function classificationModel(floatDir: string, precision?: ClassifyPrecision): { dir: string; precision: ClassifyPrecision } {
  if (precision === 'float32') return { dir: floatDir, precision };
  if (precision === 'int8') {
    try {
      return { dir: int8ModelDir(floatDir), precision };
    } catch (err) {
      throw new LanglabError('NOT_AVAILABLE', `This run cannot classify in int8 (pick float32): ${(err as Error).message}`);
    }
  }
  // A missing model is reported where the job reads its labels, as for a float job.
  if (!int8SumsExactly() || !fs.existsSync(path.join(floatDir, EXPORT_FILES.manifest))) return { dir: floatDir, precision: 'float32' };
  try {
    return { dir: int8ModelDir(floatDir), precision: 'int8' };
  } catch {
    // A run int8 is not offered for, or whose checkpoint cannot be read, classifies as before.
    return { dir: floatDir, precision: 'float32' };
  }
}
