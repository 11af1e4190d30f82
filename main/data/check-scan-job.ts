import { LanglabError } from '../errors.ts';
import { classFolders } from './from-folder.ts';
import { requirePath } from './input-path.ts';
import type { ScanJob } from './worker/scan-job.ts';

/**
 * Checks what a scan's paths point at before any worker starts, so a typo or a file where a
 * folder belongs is an immediate, clear error rather than a failed task; returns the job with
 * absolute paths.
 */
export async function checkScanJob(job: ScanJob): Promise<ScanJob> {
  if (job.kind === 'folder') {
    const { abs } = await requirePath(job.path, 'folder');
    await classFolders(abs);
    return { ...job, path: abs };
  }
  if (job.kind !== 'repositories') {
    const { abs, stat } = await requirePath(job.path, 'file');
    if (stat.size === 0) throw new LanglabError('INVALID_ARGUMENT', `${abs} is empty; a ${job.kind.toUpperCase()} file with text and label columns was expected.`);
    return { ...job, path: abs };
  }
  const roots: string[] = [];
  for (const root of job.roots) {
    const { abs } = await requirePath(root, 'folder');
    if (roots.includes(abs)) throw new LanglabError('INVALID_ARGUMENT', `The folder ${abs} is listed twice; give each folder of code once.`);
    roots.push(abs);
  }
  return { ...job, roots };
}
