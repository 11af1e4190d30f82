import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { artifactsDirectory } from '../../store/paths.ts';

/** A run's folder (checkpoints/, model/, log.txt): <dataDir>/artifacts/runs/<id>. */
export function runDirectory(dataDir: string, runId: number): string {
  return path.join(artifactsDirectory(dataDir), 'runs', String(runId));
}

/** A path inside the data folder as the store keeps it (relative, so the folder can move). */
export function relativeToData(dataDir: string, p: string): string {
  return path.relative(dataDir, p);
}

/** Total bytes of a file or folder (0 when missing), for the artifacts table. */
export async function sizeOnDisk(p: string): Promise<number> {
  const st = await fsp.lstat(p).catch(() => null);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await fsp.readdir(p)) total += await sizeOnDisk(path.join(p, name));
  return total;
}
