// `--dataset <id|folder|file>` of `langlab train` and `langlab eval`, and `langlab dataset add`:
// a folder or CSV/JSONL file is added through the service's `datasets.add` job (scanned in a
// worker, saved in short steps), as the app's Datasets page adds it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DatasetCommonOptions, ScanJobInfo } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import type { CliService } from './service.ts';

/** What `datasets.add` is asked to read at `target`: a folder, or a table by its extension. */
async function inputKind(target: string): Promise<'folder' | 'csv' | 'jsonl'> {
  const st = await fsp.stat(target).catch(() => null);
  if (!st?.isFile()) return 'folder'; // a missing path is named by the service's own check
  return /\.(jsonl|ndjson)$/i.test(target) ? 'jsonl' : 'csv';
}

/** Adds a folder or table as a dataset and returns its id; the signal cancels the scan (nothing is saved). */
export async function addDataset(
  service: CliService,
  given: string,
  options: DatasetCommonOptions,
  signal: AbortSignal,
  onProgress?: (job: ScanJobInfo) => void,
): Promise<number> {
  const target = path.resolve(given);
  const start = service.call('datasets.add', { kind: await inputKind(target), path: target, ...options });
  return service.runJob(start, { signal, ...(onProgress ? { onProgress } : {}) });
}

/** A dataset id, or a folder/CSV/JSONL file added to the store first (an identical saved dataset is reused). */
export async function resolveDataset(service: CliService, spec: string, signal: AbortSignal, say: (line: string) => void): Promise<number> {
  const target = path.resolve(spec);
  if (!(await fsp.stat(target).catch(() => null))) {
    if (/^\d+$/.test(spec)) return Number(spec);
    throw new LanglabError('INVALID_ARGUMENT', `--dataset ${spec} is neither a dataset id nor an existing folder or file.`);
  }
  say(`Reading the dataset ${target} ...`);
  const id = await addDataset(service, target, {}, signal);
  const added = await service.call('datasets.get', { id });
  // The fingerprint is known once the files are read: an identical dataset from the same roots is reused.
  for (const other of await service.call('datasets.list', {})) {
    if (other.id === id || other.fingerprint !== added.fingerprint) continue;
    const same = await service.call('datasets.get', { id: other.id });
    if (same.roots.join('\n') !== added.roots.join('\n')) continue;
    await service.call('datasets.delete', { id });
    say(`Using dataset ${same.id} (${same.name}): the same files were added before.`);
    return same.id;
  }
  say(`Added dataset ${id} (${added.name}): ${added.splits.train + added.splits.validation + added.splits.test} files.`);
  return id;
}
