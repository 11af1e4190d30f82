import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_FILES } from '../../engine/export/manifest.ts';
import { LanglabError } from '../../errors.ts';
import { getRun } from '../../store/runs.ts';
import type { StoreDb } from '../../store/store.ts';

/** The exported classifier folder of a finished run, or an error saying why there is none (and that it is needed to `purpose`). */
export function exportedModelDir(db: StoreDb, dataDir: string, id: number, purpose = 'classify text'): string {
  const run = getRun(db, id);
  const exported = run.artifacts.filter((a) => a.kind === 'export').at(-1);
  const dir = exported ? path.resolve(dataDir, exported.path) : null;
  if (!dir || !fs.existsSync(path.join(dir, EXPORT_FILES.manifest))) {
    throw new LanglabError(
      'NOT_AVAILABLE',
      `Run ${id} has no exported model (it is ${run.status}${run.status === 'FINISHED' ? ' but its model folder is gone' : ''}); only a finished run with an exported model can ${purpose}.`,
    );
  }
  return dir;
}
