import type { OptionTable, ParsedArgs } from './args.ts';
import { openCliService, type CliBackendOptions, type CliService } from './service.ts';

/** What every command gets from the front end (main/cli/index.ts): the data folder, resolved once. */
export interface CliContext {
  /** The data folder: --home, else LANGLAB_HOME, else the platform default. */
  readonly home: string;
  /** Starts the service on `home` (the caller closes it); `extra` adds backend options (train's --threads). */
  service(extra?: Pick<CliBackendOptions, 'threads'>): Promise<CliService>;
}

/** One `langlab <name>` command: its options for the one parser, its help, and what it does. */
export interface CliCommand<O extends OptionTable = OptionTable> {
  name: string;
  summary: string;
  options: O;
  /** The text `langlab <name> --help` prints. */
  usage(): string;
  /** Returns the process exit code. */
  run(args: ParsedArgs<O>, ctx: CliContext): Promise<number>;
}

/** Declares a command with its option table's types carried through to `run`. */
export function defineCommand<O extends OptionTable>(command: CliCommand<O>): CliCommand {
  return command as unknown as CliCommand;
}

/** The context for a data folder; tests may pass backend options (a fake engine). */
export function cliContext(home: string, backend: CliBackendOptions = {}): CliContext {
  return { home, service: (extra = {}) => openCliService(home, { ...backend, ...extra }) };
}
