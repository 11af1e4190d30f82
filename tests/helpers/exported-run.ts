// A run in the store with a real exported (untrained) model of the given labels, as a finished
// run has, so classification tests and end-to-end pages run real inference without training.
import path from 'node:path';
import type Database from 'better-sqlite3';
import { exportClassifier } from '../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../main/engine/models/scratch.ts';
import { replaceArtifact } from '../../main/store/artifacts.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';
import type { RunStatus } from '../../preload/contract.ts';
import { relativeToData, runDirectory } from '../../main/trainer/host/run-paths.ts';
import { INT8_MODEL_DIR } from '../../main/trainer/int8-export.ts';
import { jsSource, makeTree, pySource } from '../main/data/helpers.ts';

/**
 * Creates the run (FINISHED unless told) and exports a model with `labels` and weights from `seed`;
 * answers its id and model folder. `int8` also writes the run's int8 export beside it, from the same
 * weights, as `langlab classify --int8` leaves it.
 */
export function exportedRun(
  db: Database.Database,
  dataDir: string,
  o: { name: string; datasetId: number; labels: string[]; seed: number; status?: RunStatus; maxLength?: number; int8?: boolean },
): { runId: number; modelDir: string } {
  const runId = createRun(db, { name: o.name, datasetId: o.datasetId, modelKind: 'scratch', params: { epochs: 1 } });
  const modelDir = path.join(runDirectory(dataDir, runId), 'model');
  const config = scratchConfig(o.labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: o.maxLength ?? 32 });
  const spec = { family: 'scratch' as const, config, weights: initScratchWeights(config, o.seed), labels: o.labels };
  exportClassifier(modelDir, spec);
  if (o.int8) exportClassifier(path.join(runDirectory(dataDir, runId), INT8_MODEL_DIR), spec, { quantize: 'int8' });
  replaceArtifact(db, runId, 'export', relativeToData(dataDir, modelDir), 1);
  if ((o.status ?? 'FINISHED') !== 'RUNNING') setRunStatus(db, runId, o.status ?? 'FINISHED');
  return { runId, modelDir };
}

/**
 * Two finished runs on one dataset for two-model classification: A knows java, javascript and
 * python, B javascript, python and ruby; their seeds make the untrained models agree on some files
 * of `pyJsTree` and disagree on others.
 */
export function twoExportedRuns(db: Database.Database, dataDir: string, datasetId: number, o: { int8?: boolean } = {}) {
  const a = exportedRun(db, dataDir, { name: 'model A', datasetId, labels: ['java', 'javascript', 'python'], seed: 5, int8: o.int8 });
  const b = exportedRun(db, dataDir, { name: 'model B', datasetId, labels: ['javascript', 'python', 'ruby'], seed: 7, int8: o.int8 });
  return { a, b };
}

/** A folder of `n` Python files under src/ and `n` JavaScript files of varied length under web/, with `extra` files beside them. */
export function pyJsTree(n: number, extra: Record<string, string | Buffer> = {}): string {
  const files: Record<string, string | Buffer> = { ...extra };
  for (let i = 0; i < n; i++) files[`src/m${String(i).padStart(2, '0')}.py`] = pySource(i);
  for (let i = 0; i < n; i++) files[`web/w${String(i).padStart(2, '0')}.js`] = jsSource(i).repeat(1 + (i % 4));
  return makeTree(files);
}
