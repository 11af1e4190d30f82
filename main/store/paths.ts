import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LanglabError } from '../errors.ts';

/** The application name used for the per-user data folder. */
export const APP_NAME = 'Langlab';

/**
 * The data directory (store and artifacts): LANGLAB_HOME when set, else the platform's user-data
 * folder, the same one Electron's app.getPath('userData') gives for this app name.
 */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const fromEnv = env.LANGLAB_HOME?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/** Where the SQLite store lives inside a data directory. */
export function storePath(dataDir: string): string {
  return path.join(dataDir, 'langlab.db');
}

/** Where run artifacts (checkpoints, exports, logs) live inside a data directory. */
export function artifactsDirectory(dataDir: string): string {
  return path.join(dataDir, 'artifacts');
}

/**
 * Creates the data directory if needed; a path that is a file, or one that cannot be created, is an
 * error naming it (from --home or LANGLAB_HOME, usually a typo) rather than a raw EEXIST.
 */
export function ensureDataDirectory(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'is a file, or lies under one' : `cannot be created (${code ?? (err as Error).message})`;
    throw new LanglabError('INVALID_ARGUMENT', `The data folder ${dataDir} ${why}. Give a folder with --home or LANGLAB_HOME.`, { cause: err });
  }
}
