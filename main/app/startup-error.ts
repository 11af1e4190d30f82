import { LanglabError } from '../errors.ts';

/** What the error dialog shows when the app cannot start. */
export interface StartupErrorText {
  title: string;
  content: string;
}

// better-sqlite3 built for the wrong runtime says so in Node's words; tell the user what to run.
const ABI_MISMATCH = /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|not a valid Win32 application/;

/**
 * Turns a failed backend start into a dialog: the store's own message when it refused (locked by
 * another instance or browser mode, corrupt, read-only, newer), a rebuild hint for a native module
 * built for the wrong runtime, and the raw message for anything else.
 */
export function startupErrorText(err: unknown, options: { isPackaged: boolean }): StartupErrorText {
  const title = 'Langlab cannot start';
  if (err instanceof LanglabError) return { title, content: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (ABI_MISMATCH.test(message)) {
    const fix = options.isPackaged
      ? 'This installation is damaged: reinstall Langlab.'
      : 'Run `npm run rebuild:electron-native` (online) to build it for Electron, then start again.';
    return { title, content: `The SQLite module was built for a different runtime than this Electron.\n${fix}\n\n${message}` };
  }
  return { title, content: `Unexpected error while starting: ${message}` };
}
