import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LanglabError } from '../errors.ts';
import { dataDirectory, storePath } from '../store/paths.ts';
import { openStore, type Store } from '../store/store.ts';

/** One `langlab <name>` command. */
export interface CliCommand {
  name: string;
  summary: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** parseArgs with the global options added and a clear error for unknown flags. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new LanglabError('INVALID_ARGUMENT', `${(err as Error).message}. See \`langlab ${command} --help\`.`);
  }
}

/** The data folder for this invocation: --home, else LANGLAB_HOME, else the platform default. */
export function resolveHome(home: string | undefined): string {
  return home ? dataDirectory({ LANGLAB_HOME: home }) : dataDirectory();
}

/** Opens the store for a CLI command (no instance lock: SQLite keeps short writes safe beside the app). */
export function openCliStore(home: string | undefined): Store {
  return openStore({ file: storePath(resolveHome(home)) });
}
