// The command-line front end: a third client of the service, beside the desktop app and browser
// mode. Commands dispatch the same requests through the same handlers, in process (main/cli/service.ts);
// the few that have no request yet say so where they call library code. The arguments are parsed
// once, here, with the one parser (main/cli/args.ts), and `--home` is resolved here and handed to
// every command as its context.
import { pathToFileURL } from 'node:url';
import { LanglabError } from '../errors.ts';
import { dataDirectory } from '../store/paths.ts';
import { GLOBAL_OPTIONS, parseCommandLine, UsageError } from './args.ts';
import { cliContext, type CliCommand } from './command.ts';
import { classifyCommand } from './classify.ts';
import { compareCommand } from './compare.ts';
import { datasetCommand } from './dataset.ts';
import { evalCommand } from './eval.ts';
import { infoCommand } from './info.ts';
import { lrFindCommand } from './lr-find.ts';
import { predictCommand } from './predict.ts';
import { runsCommand } from './runs.ts';
import { serveCommand } from './serve.ts';
import { sweepCommand, sweepsCommand } from './sweep.ts';
import type { CliBackendOptions } from './service.ts';
import { resumeCommand, trainCommand } from './train.ts';

/** Every command, in the order help lists them; the fuzzer (bench/fuzz) walks their option tables. */
export const COMMANDS: CliCommand[] = [datasetCommand, trainCommand, resumeCommand, sweepCommand, sweepsCommand, evalCommand, predictCommand, classifyCommand, runsCommand, compareCommand, lrFindCommand, infoCommand, serveCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: langlab [--home <dir>] <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global (before or after the command name):',
    '  --home <dir>   data folder (store and artifacts); LANGLAB_HOME does the same',
    '  --json         machine-readable output, where the command supports it',
    '  -h, --help     help for langlab or for one command (langlab <command> --help)',
  ].join('\n');
}

/** The options before the command name (global ones only) and the command with what follows it. */
function splitAtCommand(argv: string[]): { before: string[]; name: string | undefined; rest: string[] } {
  const before: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) return { before, name: arg, rest: argv.slice(i + 1) };
    before.push(arg);
    // A value option takes the next argument, so `--home help` is a folder, not a command.
    const long = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : null;
    if (long !== null && Object.hasOwn(GLOBAL_OPTIONS, long) && GLOBAL_OPTIONS[long as keyof typeof GLOBAL_OPTIONS].type === 'string' && i + 1 < argv.length) before.push(argv[++i]);
  }
  return { before, name: undefined, rest: [] };
}

/** The data folder of this invocation: --home, else LANGLAB_HOME, else the platform default. The one place it is resolved. */
export function resolveHome(home: string | undefined): string {
  return home?.trim() ? dataDirectory({ LANGLAB_HOME: home }) : dataDirectory();
}

/** Runs one command line and returns the exit code; exported for tests, which may give the backend a fake engine. */
export async function runCli(argv: string[], options: { backend?: CliBackendOptions } = {}): Promise<number> {
  const { before, name, rest } = splitAtCommand(argv);
  if (name === undefined || name === 'help') {
    if (before.includes('--version') || before.includes('-v')) {
      const { APP_VERSION } = await import('../api/service.ts');
      console.log(APP_VERSION);
      return 0;
    }
    const unknown = before.find((a) => a.startsWith('-') && !['--help', '-h', '--json'].includes(a) && !a.startsWith('--home'));
    if (unknown && !before.includes('--help') && !before.includes('-h')) {
      console.error(`langlab: unknown option ${unknown}.\n\n${usage()}`);
      return 2;
    }
    console.log(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`langlab: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    const args = parseCommandLine(name, [...before, ...rest], command.options);
    if (args.values.help) {
      console.log(command.usage());
      return 0;
    }
    return await command.run(args, cliContext(resolveHome(args.values.home), options.backend));
  } catch (err) {
    const message = err instanceof LanglabError || err instanceof TypeError ? err.message : err instanceof Error ? err.stack ?? err.message : String(err);
    console.error(`langlab ${name}: ${message}`);
    return err instanceof UsageError || (err instanceof LanglabError && err.code === 'INVALID_ARGUMENT') ? 2 : 1;
  }
}

// Run directly (`node --import tsx main/cli/index.ts ...`); bin/langlab.mjs calls runCli itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
