// The store's WAL checkpoints, on a thread of their own: the writing connection never checkpoints
// (wal_autocheckpoint 0), so a commit never stops the main thread to copy the log into the database
// file and sync it (tens of milliseconds on a busy disk, once every thousand pages written). A
// PASSIVE checkpoint waits for no reader or writer; the next write after a complete one restarts the log.
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';

let db: Database.Database | null = null;
let timer: NodeJS.Timeout | undefined;

const checkpoint = () => {
  try {
    db?.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again.
  }
};

// The first message names the store (answered 'ready', or 'error' and the worker ends); 'stop'
// checkpoints once more, closes and answers 'stopped'.
parentPort?.on('message', (message: unknown) => {
  if (message === 'stop') {
    clearInterval(timer);
    checkpoint();
    db?.close();
    parentPort?.postMessage({ type: 'stopped' });
    return;
  }
  const { file, nativeBinding, intervalMs } = message as { file: string; nativeBinding?: string; intervalMs: number };
  try {
    db = new Database(file, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    db.pragma('busy_timeout = 1000');
    // This connection only checkpoints; it never writes, so its own automatic checkpoint is off too.
    db.pragma('wal_autocheckpoint = 0');
  } catch (err) {
    parentPort?.postMessage({ type: 'error', error: (err as Error).message });
    parentPort?.close();
    return;
  }
  timer = setInterval(checkpoint, intervalMs);
  parentPort?.postMessage({ type: 'ready' });
});
