import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { LanglabError } from '../errors.ts';
import { assembleDataset, type Candidate } from './assemble.ts';
import { requirePath } from './input-path.ts';
import { displayPath } from './path-bytes.ts';
import { ProgressReporter } from './progress.ts';
import { readCandidates, type Located } from './read-candidates.ts';
import { SkipLog } from './skip-log.ts';
import type { CommonOptions, DatasetResult } from './types.ts';
import { inode, walkFiles } from './walk.ts';

export interface FolderOptions extends CommonOptions {
  /** Files larger than this are skipped as 'oversize' (default 1 MB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
const BATCH = 256;

/**
 * The reference layout: one sub-folder per class, every regular file below it (at any depth)
 * labelled with the sub-folder's name; a folder inside a class folder is a project.
 */
export async function datasetFromFolder(folder: string, options: FolderOptions = {}): Promise<DatasetResult> {
  const { abs } = await requirePath(folder, 'folder');
  const progress = new ProgressReporter(options);
  const skips = new SkipLog(options.maxListedPerReason);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  progress.setPhase('walk');

  const rootBytes = Buffer.from(abs);
  const rootId = inode(await fsp.stat(rootBytes));
  const classes = await classFolders(abs, skips);

  const candidates: Candidate[] = [];
  const ctx = { skips, progress, concurrency: options.concurrency ?? 8, withSignature: true };
  for (const cls of classes) {
    const label = displayPath(cls.name);
    let batch: Located[] = [];
    const walk = walkFiles(cls.abs, cls.name, {
      progress,
      skip: (reason, rel) => skips.add(reason, rel),
      checkFile: (_rel, size) => (size > maxBytes ? 'oversize' : null),
    }, [rootId]);
    for await (const entry of walk) {
      batch.push({ entry, root: 0, label, project: projectOf(entry.rel) });
      if (batch.length >= BATCH) {
        candidates.push(...(await readCandidates(batch, ctx)));
        batch = [];
      }
    }
    candidates.push(...(await readCandidates(batch, ctx)));
  }

  return assembleDataset({
    kind: 'folder',
    name: options.name ?? path.basename(abs),
    roots: [abs],
    candidates,
    skips,
    progress,
    options,
    recordedOptions: { maxBytes },
    describe: `The folder ${abs}`,
  });
}

/**
 * The optional second level of the layout, `<class>/<project>/...`: a file directly in its class
 * folder names no project.
 */
function projectOf(rel: Buffer): string | null {
  const parts = displayPath(rel).split('/');
  return parts.length > 2 ? parts[1] : null;
}

/**
 * The class sub-folders of a dataset folder, in byte order; entries that are not class folders go
 * to `skips`. Throws the person-readable error when there are fewer than two classes, so a scan
 * can be refused before it starts.
 */
export async function classFolders(abs: string, skips: SkipLog = new SkipLog()): Promise<{ name: Buffer; abs: Buffer }[]> {
  const rootBytes = Buffer.from(abs);
  let names: Buffer[];
  try {
    names = (await fsp.readdir(rootBytes, { encoding: 'buffer' })).sort(Buffer.compare);
  } catch (err) {
    throw new LanglabError('INVALID_ARGUMENT', `The folder ${abs} cannot be listed (${(err as NodeJS.ErrnoException).code}). Check its permissions.`);
  }
  const classes: { name: Buffer; abs: Buffer }[] = [];
  for (const name of names) {
    const entryAbs = Buffer.concat([rootBytes, Buffer.from('/'), name]);
    const shown = displayPath(name);
    let isDir = false;
    try {
      const st = await fsp.stat(entryAbs);
      isDir = st.isDirectory();
      if (!isDir) skips.add(st.isFile() ? 'outside-class-folder' : 'not-regular', shown);
    } catch (err) {
      skips.add((err as NodeJS.ErrnoException).code === 'ELOOP' ? 'symlink-loop' : 'unreadable', shown);
    }
    // Hidden folders (.git, .cache) are tool state, not classes.
    if (isDir && !shown.startsWith('.')) classes.push({ name, abs: entryAbs });
  }
  if (classes.length === 0) {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${abs} has no class sub-folders. Put each class's files in a sub-folder named after the class, ` +
        `e.g. ${path.join(abs, 'python')}/ and ${path.join(abs, 'java')}/.`,
    );
  }
  if (classes.length === 1) {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${abs} has a single class sub-folder ('${displayPath(classes[0].name)}'): a classifier needs at least two classes. ` +
        'Add a sub-folder for another class.',
    );
  }
  return classes;
}
