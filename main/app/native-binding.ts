import { existsSync } from 'node:fs';
import path from 'node:path';

/** better-sqlite3's compiled module built for Electron, apart from the Node build tests and the CLI use. */
export const ELECTRON_SQLITE_BINDING = 'better_sqlite3.node';

/** Where the Electron build of better-sqlite3 lives, packaged or not. */
export interface NativeBindingPlaces {
  isPackaged: boolean;
  /** Electron's `process.resourcesPath` (electron-builder's extraResources land there). */
  resourcesPath: string;
  /** The repository root when unpackaged (`npm run rebuild:electron-native` writes under it). */
  appRoot: string;
  exists?: (file: string) => boolean;
}

/**
 * The better-sqlite3 binary the desktop app must load: Electron's Node has its own ABI, so the
 * Node build in node_modules would refuse to load. Undefined when no Electron build exists (the
 * store then reports the load failure, and the startup dialog says how to build one).
 */
export function electronNativeBinding(places: NativeBindingPlaces): string | undefined {
  const exists = places.exists ?? existsSync;
  const file = places.isPackaged
    ? path.join(places.resourcesPath, 'native', ELECTRON_SQLITE_BINDING)
    : path.join(places.appRoot, 'native', 'electron', ELECTRON_SQLITE_BINDING);
  return exists(file) ? file : undefined;
}
