// The two runs a comparing job classifies with, checked before anything is stored: two different
// runs, both finished, both with their exported model still on disk.
import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_FILES } from '../engine/export/manifest.ts';
import { LanglabError } from '../errors.ts';
import { getRun } from '../store/runs.ts';
import type { StoreDb } from '../store/store.ts';
import { exportedModelDir } from '../trainer/host/run-model.ts';
import { modelLabels } from './jobs.ts';

/** A run's exported model folder, refused with the run's name when it is not finished or its model is gone. */
export function finishedRunModel(db: StoreDb, dataDir: string, runId: number): { dir: string; labels: string[] } {
  const run = getRun(db, runId); // NOT_FOUND names a missing run
  if (run.status !== 'FINISHED') {
    throw new LanglabError('INVALID_ARGUMENT', `Run ${runId} (${run.name}) is ${run.status}, not finished; only a finished run's model can classify a folder. Pick another run or wait for it to end.`);
  }
  const dir = exportedModelDir(db, dataDir, runId);
  const model = path.join(dir, EXPORT_FILES.model);
  if (!fs.existsSync(model)) {
    throw new LanglabError('NOT_AVAILABLE', `Run ${runId} (${run.name}) has lost its model file ${model}; its model folder was changed or deleted. Pick another run.`);
  }
  try {
    return { dir, labels: modelLabels(dir) };
  } catch (err) {
    throw new LanglabError('NOT_AVAILABLE', `Run ${runId} (${run.name}): ${(err as Error).message}`);
  }
}

/** Both runs' models for a job comparing them; the same run twice is refused. */
export function runPairModels(db: StoreDb, dataDir: string, runA: number, runB: number): { a: { dir: string; labels: string[] }; b: { dir: string; labels: string[] } } {
  if (runA === runB) throw new LanglabError('INVALID_ARGUMENT', `Run ${runA} is given twice; pick two different runs to compare.`);
  const a = finishedRunModel(db, dataDir, runA);
  const b = finishedRunModel(db, dataDir, runB);
  if (!a.labels.some((l) => b.labels.includes(l))) {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `Runs ${runA} (${a.labels.join(', ')}) and ${runB} (${b.labels.join(', ')}) have no label in common, so there is nothing to compare; pick runs that share languages.`,
    );
  }
  return { a, b };
}
