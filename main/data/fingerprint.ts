import { createHash } from 'node:crypto';

/**
 * The identity of a dataset's content: two datasets with the same files, labels and splits have
 * the same fingerprint whatever their paths or the order they were found in.
 */
export function datasetFingerprint(files: readonly { sha256: string; label: string; split: string }[]): string {
  const lines = files.map((f) => `${f.sha256}\t${f.label}\t${f.split}\n`).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
