// Bad command lines for every command: a value flag with no value, a flag given twice, numbers out
// of range, unknown flags and commands. The command list and each one's flags come from the CLI's
// own table (main/cli/index.ts), so a new command or flag is fuzzed without being listed here.
import fs from 'node:fs';
import path from 'node:path';
import { COMMANDS, runCli } from '../../main/cli/index.ts';
import type { Answer, FuzzCase, Rng } from './harness.ts';

export interface CliFuzzOptions {
  home: string;
  scratch: string;
}

/** Positionals that get a command past its own argument checks, so the flag under test is what fails. */
const POSITIONALS: Record<string, (scratch: string) => string[]> = {
  dataset: (s) => ['add', path.join(s, 'missing.csv')],
  eval: () => ['999999'],
  resume: () => ['999999'],
  predict: (s) => ['999999', path.join(s, 'missing.py')],
  classify: (s) => ['999999', s],
  train: () => ['--dataset', '999999', '--model', 'scratch'],
  'lr-find': () => ['--dataset', '999999', '--model', 'scratch'],
  sweep: () => ['--dataset', '999999', '--model', 'scratch', '--grid', 'learning_rate=0.001,0.002'],
  compare: () => ['999998', '999999'],
};

// Out of range for every number flag (a seed, a fraction, a count): none of these is a valid value anywhere.
const OUT_OF_RANGE = ['-1', '1e309', 'NaN', '99999999999999999999999', '', ' ', 'Infinity', 'abc'];

/** Runs one command line in process, with its output captured. */
async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const grab = (...args: unknown[]) => {
    out += `${args.map(String).join(' ')}\n`;
  };
  const saved = { log: console.log, error: console.error, warn: console.warn };
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  Object.assign(console, { log: grab, error: grab, warn: grab });
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = process.stdout.write;
  try {
    return { code: await runCli(argv), out };
  } finally {
    Object.assign(console, saved);
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

function asAnswer({ code, out }: { code: number; out: string }): Answer {
  if (code === 0) return { kind: 'accepted', detail: `exit 0: ${out.slice(0, 200)}` };
  // A stack trace is a crash dressed as a message; a plain line is a refusal meant for a person.
  const stack = /\n\s+at .+:\d+:\d+/.test(out);
  return { kind: 'error', code: stack ? 'INTERNAL' : 'INVALID_ARGUMENT', message: `exit ${code}: ${out.trim()}` };
}

export function cliCases(o: CliFuzzOptions, rng: Rng): FuzzCase[] {
  fs.mkdirSync(o.scratch, { recursive: true });
  const home = ['--home', o.home];
  const cases: FuzzCase[] = [];
  // When the flag's value is in fact allowed, the next thing at fault is the stand-in run or path, named too.
  const standIns = ['run 999999', 'dataset 999999', path.join(o.scratch, 'missing')];
  const add = (name: string, argv: () => string[], mentions: string[]) =>
    cases.push({ category: 'cli', name, mentions: [...mentions, ...standIns], run: async () => asAnswer(await capture(argv())) });

  for (const command of COMMANDS) {
    const positionals = POSITIONALS[command.name]?.(o.scratch) ?? [];
    const flags = Object.entries(command.options).filter(([, spec]) => spec.type === 'string');
    for (const [flag, spec] of flags) {
      add(`${command.name} --${flag} without a value`, () => [...home, command.name, ...positionals, `--${flag}`], [`--${flag}`, flag, flag.replaceAll('-', '_')]);
      if (!spec.multiple) {
        add(`${command.name} --${flag} twice`, () => [...home, command.name, ...positionals, `--${flag}`, '1', `--${flag}`, '2'], [`--${flag}`, flag, flag.replaceAll('-', '_')]);
      }
      const bad = rng.pick(OUT_OF_RANGE);
      // A text flag (a name, a path) takes any text; only number flags have a range.
      const numeric = /\b(N|K|x|F|<n>)\b/.test(command.usage().match(new RegExp(`--${flag} ([^\\]\\s]+)`))?.[1] ?? '');
      if (numeric) add(`${command.name} --${flag} ${JSON.stringify(bad)}`, () => [...home, command.name, ...positionals, `--${flag}`, bad], [`--${flag}`, flag, flag.replaceAll('-', '_')]);
    }
    for (const [flag, spec] of Object.entries(command.options).filter(([, s]) => s.type === 'boolean')) {
      add(`${command.name} --${flag}=yes`, () => [...home, command.name, ...positionals, `--${flag}=yes`], [`--${flag}`, flag, flag.replaceAll('-', '_')]);
      if (!spec.multiple) add(`${command.name} --${flag} twice`, () => [...home, command.name, ...positionals, `--${flag}`, `--${flag}`], [`--${flag}`, flag, flag.replaceAll('-', '_')]);
    }
    const unknown = `--no-such-${rng.int(1000)}`;
    add(`${command.name} ${unknown}`, () => [...home, command.name, ...positionals, unknown], [unknown]);
    add(`${command.name} --home twice`, () => [...home, command.name, ...positionals, '--home', o.scratch], ['--home']);
    add(`${command.name} --home a file`, () => ['--home', '/etc/passwd', command.name, ...positionals], ['/etc/passwd']);
  }
  add('unknown command', () => [...home, `frobnicate${rng.int(100)}`], ['frobnicate']);
  add('unknown global flag', () => ['--wat'], ['--wat']);
  add('dataset with no subcommand', () => [...home, 'dataset'], ['dataset']);
  add('dataset unknown subcommand', () => [...home, 'dataset', 'explode'], ['explode']);
  add('eval with a negative id', () => [...home, 'eval', '-5'], ['-5', 'run id']);
  add('resume with id 0', () => [...home, 'resume', '0'], ['0', 'run id', 'run-id']);
  return cases;
}
