// What the benchmarks that score exported models on a benchmark folder share (bench/held-out-compare.ts,
// bench/second-look-settings.ts): the folder split as `bench:train` splits it (by project, the seed
// given), the files of one split or all of them, less the projects named, and their texts decoded
// as the store reads a file back for training (UTF-8, a byte-order mark dropped).
import fs from 'node:fs';
import path from 'node:path';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { decodeText } from '../main/data/text-check.ts';
import type { DatasetFile } from '../main/data/types.ts';

export interface FolderTexts {
  files: DatasetFile[];
  /** Each file's absolute path. */
  paths: string[];
  texts: string[];
}

export async function folderTexts(bench: string, data: string, o: { split: 'all' | 'test' | 'validation'; seed: number; excluded?: ReadonlySet<string>; excludedFrom?: readonly string[] }): Promise<FolderTexts> {
  const result = await datasetFromFolder(data, { seed: o.seed });
  const files = result.files.filter((f) => (o.split === 'all' || f.split === o.split) && f.project !== null && !o.excluded?.has(f.project));
  if (files.length === 0) throw new Error(`${bench}: no ${o.split === 'all' ? '' : `${o.split} `}file of ${data} is left${o.excluded?.size ? ` once the projects of ${o.excludedFrom?.join(', ') ?? 'the excluded folders'} are taken out` : ''}.`);
  const paths = files.map((f) => path.join(result.roots[f.root], f.path));
  const texts = paths.map((p) => {
    const decoded = decodeText(fs.readFileSync(p));
    if ('skip' in decoded) throw new Error(`${bench}: ${p} is not text the dataset would keep (${decoded.skip}).`);
    return decoded.text;
  });
  return { files, paths, texts };
}
