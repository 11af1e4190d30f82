// `langlab train`'s hyperparameter flags, generated from the one table the form and the service
// use (preload/hyperparameters.ts): each key as a --kebab-case flag taking a value, booleans
// `true|false`, every value checked against the table's range before a run exists.

import type { ModelKind } from '../../preload/contract.ts';
import { defaultHyperparameters, HYPERPARAMETERS, parseDecimal, rangeText, validateHyperparameters, type HyperparameterSpec, type Hyperparameters } from '../../preload/hyperparameters.ts';
import { type OptionTable, usageError } from './args.ts';

const flagOf = (s: HyperparameterSpec): string => s.key.replaceAll('_', '-');

/** One value option per hyperparameter, for the parser. */
export const HYPERPARAMETER_OPTIONS: OptionTable = Object.fromEntries(HYPERPARAMETERS.map((s) => [flagOf(s), { type: 'string' }]));

/** The help lines: flag, help text, range, defaults per model kind. */
export function hyperparameterHelp(): string[] {
  return HYPERPARAMETERS.map((s) => {
    const flag = `--${flagOf(s)} ${s.type === 'bool' ? 'true|false' : s.type === 'int' ? 'N' : 'x'}`;
    const applies = s.appliesTo.length === 1 ? ` [${s.appliesTo[0]} only]` : '';
    return `  ${flag.padEnd(36)} ${s.help} (${rangeText(s)}; default ${s.defaults.scratch} scratch, ${s.defaults.pretrained} pretrained)${applies}`;
  });
}

const TRUE = ['true', 'yes', '1'];
const FALSE = ['false', 'no', '0'];

/**
 * The hyperparameters given as flags, typed and checked with `validateHyperparameters` against the
 * model kind's defaults for the rest; the first problem with a given flag is a usage error of
 * `command` (its help is the one named).
 */
export function hyperparametersFromFlags(values: Record<string, unknown>, kind: ModelKind, command = 'train'): Partial<Hyperparameters> {
  const given: Record<string, number | boolean> = {};
  for (const s of HYPERPARAMETERS) {
    const raw = values[flagOf(s)];
    if (typeof raw !== 'string') continue;
    const flag = flagOf(s);
    if (s.type === 'bool') {
      const v = raw.toLowerCase();
      if (!TRUE.includes(v) && !FALSE.includes(v)) throw usageError(command, `--${flag} takes true or false, got '${raw}'.`);
      given[s.key] = TRUE.includes(v);
    } else {
      const v = parseDecimal(raw);
      if (Number.isNaN(v)) throw usageError(command, `--${flag} takes a number (${s.label}: ${rangeText(s)}), got '${raw}'.`);
      given[s.key] = v;
    }
  }
  const merged = { ...defaultHyperparameters(kind), ...given } as Hyperparameters;
  const problem = validateHyperparameters(merged, kind).find((e) => e.key in given);
  if (problem) throw usageError(command, problem.message);
  return given as Partial<Hyperparameters>;
}
