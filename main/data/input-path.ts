import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { LanglabError } from '../errors.ts';

/** Resolves a user-given path and checks that it is what the command expects, with clear errors. */
export async function requirePath(given: string, expect: 'folder' | 'file'): Promise<{ abs: string; stat: Stats }> {
  const abs = path.resolve(given);
  let stat: Stats;
  try {
    stat = await fsp.stat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LanglabError('NOT_FOUND', `The path ${abs} does not exist. Check the spelling, or pick the ${expect} again.`);
    }
    throw new LanglabError('INVALID_ARGUMENT', `The path ${abs} cannot be read (${code ?? String(err)}). Check its permissions.`);
  }
  if (expect === 'folder' && !stat.isDirectory()) {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${abs} is a file, but a folder was expected: a dataset folder holds one sub-folder per class. ` +
        'A CSV or JSONL table is added as a file of its own.',
    );
  }
  if (expect === 'file' && !stat.isFile()) {
    throw new LanglabError('INVALID_ARGUMENT', `${abs} is not a regular file; a CSV or JSONL file was expected.`);
  }
  return { abs, stat };
}
