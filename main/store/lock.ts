import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LanglabError } from '../errors.ts';

/** What a lock file records about the instance that holds the store. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: number;
  what: string;
}

/** Whether a process with this id is alive on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A held instance lock; `release` is idempotent and also runs at process exit. */
export interface InstanceLock {
  readonly file: string;
  release(): void;
}

/**
 * Makes sure only one app instance (desktop window or browser-mode server) works on a data
 * directory at a time. A lock left by a process that is gone (a crash) is taken over.
 * The CLI does not take it: SQLite's own locking keeps short CLI writes safe beside the app.
 */
export function acquireInstanceLock(dataDir: string, what: string): InstanceLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'langlab.lock');
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: Date.now(), what };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          const held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (held.pid === process.pid) unlinkSync(file);
        } catch {
          // Already gone or replaced: nothing of ours to remove.
        }
      };
      process.on('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(file);
      if (holder && holder.host === os.hostname() && processAlive(holder.pid)) {
        throw new LanglabError(
          'STORE_LOCKED',
          `Another Langlab instance (${holder.what}, pid ${holder.pid}) is already using the data folder ${dataDir}. ` +
            'Switch to that window or stop it, or set LANGLAB_HOME to another folder.',
        );
      }
      if (holder && holder.host !== os.hostname()) {
        throw new LanglabError(
          'STORE_LOCKED',
          `The data folder ${dataDir} is in use by Langlab on another machine (${holder.host}, pid ${holder.pid}). ` +
            `If that instance is gone, delete ${file} and start again.`,
        );
      }
      // The holder crashed (or the file is unreadable): take the lock over.
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; the next attempt decides.
      }
    }
  }
  throw new LanglabError('STORE_LOCKED', `Could not take the lock ${file}; another Langlab instance is starting. Try again.`);
}

function readLock(file: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return parsed as LockInfo;
  } catch {
    // Unreadable lock file: treated as stale.
  }
  return undefined;
}
