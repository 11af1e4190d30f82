// Moves a store's WAL checkpoints off the thread that writes (see checkpoint-worker.ts). Started by
// the backend for the app's store; a process that only reads, or opens a store for a moment (the
// command line, tests), keeps SQLite's own automatic checkpoints.
import type Database from 'better-sqlite3';
import { startWorker } from '../worker/start-worker.ts';
import { workerEntry } from '../worker/entries.ts';

/** SQLite's default, restored when the worker stops or fails. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  /** Stops the worker (after one last checkpoint) and gives checkpoints back to the writing connection. */
  close(): Promise<void>;
}

/** Checkpoints `db`'s file every `intervalMs` on a worker thread; the writing connection stops checkpointing. */
export function startCheckpointer(db: Database.Database, o: { nativeBinding?: string; intervalMs?: number } = {}): Checkpointer {
  const worker = startWorker(workerEntry('checkpoint'));
  worker.postMessage({ file: db.name, nativeBinding: o.nativeBinding, intervalMs: o.intervalMs ?? 500 });
  const restore = () => {
    try {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch {
      // Closed meanwhile.
    }
  };
  db.pragma('wal_autocheckpoint = 0');
  let stopped = false;
  // A worker that fails or ends leaves checkpoints to the writer again, so the log never grows unchecked.
  worker.on('error', restore);
  worker.on('message', (m: { type?: string } | undefined) => m?.type === 'error' && restore());
  worker.on('exit', () => {
    stopped = true;
    restore();
  });
  worker.unref();
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        worker.once('exit', () => resolve());
        worker.on('message', (m: { type?: string } | undefined) => m?.type === 'stopped' && void worker.terminate());
        worker.postMessage('stop');
      }),
  };
}
