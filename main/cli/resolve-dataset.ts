// `--dataset <id|folder|file>` of `langlab train` and `langlab eval`: a stored dataset's id, or an
// input added to the store first as `langlab dataset add` would (an identical saved one is reused).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { LanglabError } from '../errors.ts';
import { saveDataset } from '../store/dataset-save.ts';
import { listDatasets } from '../store/datasets.ts';
import type { Store } from '../store/store.ts';

/** A dataset id, or a folder/CSV/JSONL file added to the store first (an identical saved dataset is reused). */
export async function resolveDataset(store: Store, spec: string, signal: AbortSignal, say: (line: string) => void): Promise<number> {
  const target = path.resolve(spec);
  const st = await fsp.stat(target).catch(() => null);
  if (!st) {
    if (/^\d+$/.test(spec)) return Number(spec);
    throw new LanglabError('INVALID_ARGUMENT', `--dataset ${spec} is neither a dataset id nor an existing folder or file.`);
  }
  say(`Reading the dataset ${target} ...`);
  const { datasetFromFolder, datasetFromTable } = await import('../data/index.ts');
  const result = st.isFile() ? await datasetFromTable(target, { signal }) : await datasetFromFolder(target, { signal });
  const same = listDatasets(store.db).find((d) => d.fingerprint === result.fingerprint && d.roots.join('\n') === result.roots.join('\n'));
  if (same) {
    say(`Using dataset ${same.id} (${same.name}): the same files were added before.`);
    return same.id;
  }
  const id = saveDataset(store.db, result);
  say(`Added dataset ${id} (${result.name}): ${result.files.length} files.`);
  return id;
}
