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

/** Creates the run (FINISHED unless told) and exports a model with `labels` and weights from `seed`; answers its id and model folder. */
export function exportedRun(
  db: Database.Database,
  dataDir: string,
  o: { name: string; datasetId: number; labels: string[]; seed: number; status?: RunStatus; maxLength?: number },
): { runId: number; modelDir: string } {
  const runId = createRun(db, { name: o.name, datasetId: o.datasetId, modelKind: 'scratch', params: { epochs: 1 } });
  const modelDir = path.join(runDirectory(dataDir, runId), 'model');
  const config = scratchConfig(o.labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: o.maxLength ?? 32 });
  exportClassifier(modelDir, { family: 'scratch', config, weights: initScratchWeights(config, o.seed), labels: o.labels });
  replaceArtifact(db, runId, 'export', relativeToData(dataDir, modelDir), 1);
  if ((o.status ?? 'FINISHED') !== 'RUNNING') setRunStatus(db, runId, o.status ?? 'FINISHED');
  return { runId, modelDir };
}
