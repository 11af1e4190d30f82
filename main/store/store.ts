import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LanglabError } from '../errors.ts';
import { latestVersion, loadMigrations, migrate, refuseNewer } from './migrate.ts';
import { startCheckpointer } from './checkpointer.ts';
import { recoverCrashed } from './recovery.ts';

export interface OpenStoreOptions {
  /** The database file; its folder is created when missing. */
  file: string;
  /** A better-sqlite3 addon built for the running runtime (Electron keeps its own build). */
  nativeBinding?: string;
  /** Mark runs and jobs left RUNNING by a crashed process as INTERRUPTED (app instances do this). */
  recoverCrashed?: boolean;
  /**
   * Open for reading only, as the engine process does while the app's process writes: the file
   * must exist at this build's schema; nothing is created, migrated or written, and writes fail.
   */
  readonly?: boolean;
  /**
   * Checkpoint the WAL on a worker thread instead of in the commits of this connection
   * (checkpointer.ts): the app's store, whose writes run on the main thread during jobs and runs.
   */
  checkpointInWorker?: boolean;
}

/**
 * The open database as the store's named operations take it. Other layers hold it by this name
 * and pass it on, so that only store/ imports better-sqlite3.
 */
export type StoreDb = Database.Database;

/** The open experiment store: the database plus facts about it. */
export interface Store {
  readonly db: StoreDb;
  readonly file: string;
  readonly schemaVersion: number;
  close(): void;
}

const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Opens (creating or migrating) the SQLite store. A damaged, read-only or newer-schema file is
 * refused with a clear message and left exactly as it was: nothing is written before the checks.
 */
export function openStore(options: OpenStoreOptions): Store {
  const file = path.resolve(options.file);
  if (options.readonly) return openReadOnly(file, options.nativeBinding);
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(file)) {
    const st = statSync(file);
    if (!st.isFile()) throw notAFile(file);
    // Honour the read-only bit even for root, who could otherwise write through it.
    if ((st.mode & 0o222) === 0) {
      throw new LanglabError(
        'STORE_READONLY',
        `The store ${file} is read-only. Make it writable (chmod u+w) or set LANGLAB_HOME to another folder; it was not changed.`,
      );
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (err) {
    throw describeOpenError(err, file);
  }
  try {
    const migrations = loadMigrations();
    // Read before anything writes: switching to WAL would already change a newer or foreign file.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latestVersion(migrations)) migrate(db, migrations, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const schemaVersion = migrate(db, migrations, file);
    if (options.recoverCrashed) recoverCrashed(db);
    const checkpointer = options.checkpointInWorker ? startCheckpointer(db, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) : null;
    return {
      db,
      file,
      schemaVersion,
      close: () => {
        // The worker's last checkpoint runs after this connection has closed.
        void checkpointer?.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw describeOpenError(err, file);
  }
}

/** The read-only open: the same refusals as `openStore` (not a file, damaged, newer schema), none of its writes. */
function openReadOnly(file: string, nativeBinding: string | undefined): Store {
  if (!existsSync(file)) {
    throw new LanglabError('NOT_FOUND', `The store ${file} does not exist. Start Langlab once to create it, or set LANGLAB_HOME to the folder that holds it.`);
  }
  if (!statSync(file).isFile()) throw notAFile(file);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (err) {
    throw describeOpenError(err, file);
  }
  try {
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const latest = latestVersion(loadMigrations());
    refuseNewer(schemaVersion, latest, file);
    if (schemaVersion < latest) {
      throw new LanglabError(
        'STORE_READONLY',
        `The store ${file} is at schema ${schemaVersion} and this build needs ${latest}; opened read-only it cannot be upgraded. ` +
          'Open it once with Langlab (the app or the command line) to upgrade it.',
      );
    }
    db.pragma('busy_timeout = 5000');
    return { db, file, schemaVersion, close: () => db.close() };
  } catch (err) {
    db.close();
    throw describeOpenError(err, file);
  }
}

function notAFile(file: string): LanglabError {
  return new LanglabError('STORE_CORRUPT', `The store path ${file} is not a file. Remove it or set LANGLAB_HOME to another folder.`);
}

function describeOpenError(err: unknown, file: string): Error {
  if (err instanceof LanglabError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (CORRUPT_CODES.has(code)) {
    return new LanglabError(
      'STORE_CORRUPT',
      `The store ${file} is damaged or is not a Langlab database (${(err as Error).message}). ` +
        'It was left untouched: move it aside to start a fresh store, or set LANGLAB_HOME to another folder.',
      { cause: err },
    );
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new LanglabError(
      'STORE_READONLY',
      `The store ${file} cannot be written (${(err as Error).message}). ` +
        'Check the permissions of the file and its folder, or set LANGLAB_HOME to another folder.',
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
