import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { mapBounded } from './pool.ts';
import { displayPath, joinBytes } from './path-bytes.ts';
import type { ProgressReporter } from './progress.ts';
import type { SkipReason } from './types.ts';

/** A regular file found by the walk. */
export interface WalkEntry {
  abs: Buffer;
  /** Relative to the walk's base, '/'-separated, as bytes. */
  rel: Buffer;
  size: number;
}

export interface WalkHooks {
  /** A file or folder that will not be yielded, and why (folders are passed with a trailing '/'). */
  skip(reason: SkipReason, rel: string): void;
  /** Decide about a folder before descending: a reason prunes it, 'silent' prunes it unreported. */
  enterDir?(rel: Buffer, abs: Buffer): Promise<SkipReason | 'silent' | null> | SkipReason | 'silent' | null;
  /** Decide about a file from its name and size alone; a reason skips it without reading. */
  checkFile?(rel: Buffer, size: number): SkipReason | null;
  progress: ProgressReporter;
  /**
   * Walk each real folder once (a classification job classifies each file once): a link to a
   * folder inside `realRoot` (the walk's base, through realpath) is left to that folder's own
   * path, and a second link to a folder outside it is not followed again; both are counted
   * 'symlink-repeat'. Without it, folders that link to one another could be walked once per path
   * through them, which grows exponentially with their number.
   */
  once?: { realRoot: string };
}

interface PendingDir {
  abs: Buffer;
  rel: Buffer;
  /** dev:ino of every folder on the way down, to recognise a symlink that points back up. */
  chain: ReadonlySet<string>;
}

const STAT_CONCURRENCY = 16;

/**
 * Depth-first walk in sorted byte order, one folder listing in memory at a time. Symlinks are
 * followed; a link back to a folder on the current path is a counted 'symlink-loop', a folder that
 * cannot be listed a counted 'unreadable-folder', never an exception.
 */
export async function* walkFiles(base: Buffer, baseRel: Buffer, hooks: WalkHooks, above: readonly string[] = []): AsyncGenerator<WalkEntry> {
  const rootStat = await fsp.stat(base);
  const stack: PendingDir[] = [{ abs: base, rel: baseRel, chain: new Set([...above, inode(rootStat)]) }];
  /** Folders walked or queued, in `once` mode. */
  const walked = new Set<string>([inode(rootStat)]);
  while (stack.length > 0) {
    const dir = stack.pop()!;
    hooks.progress.tick(displayPath(dir.rel));
    let names: Buffer[];
    try {
      names = await fsp.readdir(dir.abs, { encoding: 'buffer' });
    } catch {
      hooks.skip('unreadable-folder', displayPath(dir.rel) + '/');
      continue;
    }
    names.sort(Buffer.compare);
    const stats = await mapBounded(names, STAT_CONCURRENCY, (name) => statEntry(joinBytes(dir.abs, name)));
    const subdirs: PendingDir[] = [];
    for (let i = 0; i < names.length; i++) {
      const abs = joinBytes(dir.abs, names[i]);
      const rel = joinBytes(dir.rel, names[i]);
      const st = stats[i];
      if ('error' in st) {
        hooks.skip(st.error === 'ELOOP' ? 'symlink-loop' : 'unreadable', displayPath(rel));
        continue;
      }
      if (st.isDirectory()) {
        const id = inode(st);
        if (dir.chain.has(id)) {
          hooks.skip('symlink-loop', displayPath(rel) + '/');
          continue;
        }
        if (hooks.once && (walked.has(id) || (await linksInside(abs, hooks.once.realRoot)))) {
          hooks.skip('symlink-repeat', displayPath(rel) + '/');
          continue;
        }
        const verdict = hooks.enterDir ? await hooks.enterDir(rel, abs) : null;
        if (verdict === 'silent') continue;
        if (verdict) {
          hooks.skip(verdict, displayPath(rel) + '/');
          continue;
        }
        walked.add(id);
        subdirs.push({ abs, rel, chain: new Set([...dir.chain, id]) });
      } else if (st.isFile()) {
        const reason = hooks.checkFile ? hooks.checkFile(rel, st.size) : null;
        if (reason) {
          hooks.skip(reason, displayPath(rel));
          continue;
        }
        yield { abs, rel, size: st.size };
      } else {
        hooks.skip('not-regular', displayPath(rel));
      }
    }
    // Reverse so the first folder in sorted order is walked first.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
}

/** Whether `abs` is a symbolic link to a folder under `realRoot` (a folder the walk reaches by its own path). */
async function linksInside(abs: Buffer, realRoot: string): Promise<boolean> {
  try {
    if (!(await fsp.lstat(abs)).isSymbolicLink()) return false;
    const target = await fsp.realpath(abs);
    return target === realRoot || target.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
  } catch {
    return false;
  }
}

/** stat through symlinks; the error code for a broken link, a link cycle or a permission problem. */
async function statEntry(abs: Buffer): Promise<Stats | { error: string }> {
  try {
    return await fsp.stat(abs);
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? 'UNKNOWN' };
  }
}

/** The identity of a folder for loop detection; pass the dataset root's as `above`. */
export function inode(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}
