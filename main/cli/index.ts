// The command-line front end: the same store and service code as the app, for scripts and terminals.
import { pathToFileURL } from 'node:url';
import { LanglabError } from '../errors.ts';
import type { CliCommand } from './command.ts';
import { classifyCommand } from './classify.ts';
import { datasetCommand } from './dataset.ts';
import { evalCommand } from './eval.ts';
import { infoCommand } from './info.ts';
import { predictCommand } from './predict.ts';
import { runsCommand } from './runs.ts';
import { serveCommand } from './serve.ts';
import { trainCommand } from './train.ts';

const COMMANDS: CliCommand[] = [datasetCommand, trainCommand, evalCommand, predictCommand, classifyCommand, runsCommand, infoCommand, serveCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: langlab <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global:',
    '  --home <dir>   data folder (store and artifacts); LANGLAB_HOME does the same',
    '  --json         machine-readable output, where the command supports it',
    '  -h, --help     help for langlab or for one command (langlab <command> --help)',
  ].join('\n');
}

/**
 * `--home <dir>` means exactly what LANGLAB_HOME means, for every command: it is taken out of the
 * arguments here and set in the environment the store opener reads.
 */
function applyHomeFlag(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--home' && i + 1 < argv.length) process.env.LANGLAB_HOME = argv[++i];
    else if (arg.startsWith('--home=')) process.env.LANGLAB_HOME = arg.slice('--home='.length);
    else out.push(arg);
  }
  return out;
}

/** Runs one command line and returns the exit code; exported for tests. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { APP_VERSION } = await import('../api/service.ts');
    console.log(APP_VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`langlab: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(applyHomeFlag(rest));
  } catch (err) {
    const message = err instanceof LanglabError || err instanceof TypeError ? err.message : err instanceof Error ? err.stack ?? err.message : String(err);
    console.error(`langlab ${name}: ${message}`);
    return err instanceof LanglabError && err.code === 'INVALID_ARGUMENT' ? 2 : 1;
  }
}

// Run directly (`node --import tsx main/cli/index.ts ...`); bin/langlab.mjs calls runCli itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
