// The one argument parser of the command line. Every command declares its options in a table of
// this shape; the global ones (--home, --json, --help) are added here, so they mean the same thing
// before and after the command name. A value option always takes the next argument, so
// `--learning-rate -1` reaches the range check rather than being read as a flag.

import { parseDecimal } from '../../preload/hyperparameters.ts';
import { LanglabError } from '../errors.ts';

/** One option: `string` takes a value (`--x v` or `--x=v`), `boolean` takes none; `multiple` keeps every value. */
interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** The parsed value of each option, typed by its table entry. */
type OptionValues<O extends OptionTable> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

export interface ParsedArgs<O extends OptionTable> {
  values: OptionValues<O> & OptionValues<typeof GLOBAL_OPTIONS>;
  positionals: string[];
}

/** Options every command accepts, before or after its name. */
export const GLOBAL_OPTIONS = {
  home: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionTable;

/** A mistake in the command line itself (an unknown flag, a bad value): every command exits with 2 for it. */
export class UsageError extends LanglabError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'UsageError';
  }
}

/** A usage error that points at the command's help. */
export function usageError(command: string, message: string): UsageError {
  const help = command ? `langlab ${command} --help` : 'langlab --help';
  return new UsageError(`${message} See \`${help}\`.`);
}

/** Parses `argv` against the global options and `options`; an unknown flag or a missing value is a usage error. */
export function parseCommandLine<O extends OptionTable>(command: string, argv: readonly string[], options: O): ParsedArgs<O> {
  const table: OptionTable = { ...GLOBAL_OPTIONS, ...options };
  const shorts = new Map(Object.entries(table).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = arg.slice(2, eq < 0 ? undefined : eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(arg)) {
      const long = shorts.get(arg.slice(1));
      if (!long) throw usageError(command, `Unknown option ${arg}.`);
      name = long;
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!spec) throw usageError(command, `Unknown option --${name}.`);
    // The later value would silently win; a repeated flag is more often a mistake than a correction.
    if (!spec.multiple && Object.hasOwn(values, name)) throw usageError(command, `The option --${name} is given twice; give it once.`);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw usageError(command, `The option --${name} takes no value; got '${inline}'.`);
      values[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw usageError(command, `The option --${name} needs a value.`);
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else values[name] = value;
  }
  return { values: values as ParsedArgs<O>['values'], positionals };
}

/** A whole number from an option's text, at least `min`; undefined when the option was not given. */
export function wholeNumber(command: string, flag: string, raw: string | undefined, min = 0): number | undefined {
  if (raw === undefined) return undefined;
  // Digits only: "0x10", "1e3" and "-0" are refused rather than read as 16, 1000 and 0.
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw usageError(command, `--${flag} must be a ${min > 0 ? 'positive ' : ''}whole number; got '${raw}'.`);
  }
  return n;
}

/** A finite number from an option's text; undefined when the option was not given. */
export function finiteNumber(command: string, flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = parseDecimal(raw); // decimal only, as the hyperparameter flags: "0x10" and "Infinity" are refused
  if (!Number.isFinite(n)) throw usageError(command, `--${flag} must be a decimal number; got '${raw}'.`);
  return n === 0 ? 0 : n; // "-0" reads as 0
}
