// Reads the contract's argument schemas (main/api/schemas.ts) as data: the fields of each request,
// a plausible set of arguments to mutate, and every field that takes a file-system path. Path fields
// are found by identity with the one `userPath` schema, so a request added with a path argument is
// fuzzed without anyone listing it here.
import type { z } from 'zod';
import { userPath } from '../../main/api/schemas/common.ts';
import { requestSchemas } from '../../main/api/schemas.ts';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  valueType?: z.ZodType;
}
const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Where in the arguments a path goes, e.g. ['roots', 0] or ['model', 'path']. */
export type FieldPath = (string | number)[];

/** A plausible value for a schema: the first enum entry, a small number, a short string. */
export function sample(s: z.ZodType): unknown {
  if (s === userPath) return '/nonexistent-langlab-fuzz';
  const d = def(s);
  switch (d.type) {
    case 'object': return Object.fromEntries(Object.entries(d.shape ?? {}).filter(([, v]) => def(v).type !== 'optional').map(([k, v]) => [k, sample(v)]));
    case 'optional': case 'nullable': return sample(d.innerType!);
    case 'array': return [sample(d.element!)];
    case 'union': return sample(d.options![0]);
    case 'enum': return Object.values(d.entries ?? {})[0];
    case 'literal': return d.values?.[0];
    case 'number': return 1;
    case 'boolean': return true;
    case 'string': return 'x';
    case 'record': return {};
    default: return undefined;
  }
}

/**
 * Arguments the schema alone cannot make plausible: a sweep's grid must hold values in the
 * hyperparameter's range (the first enum key, max_length, sampled as 1, is refused first and would
 * hide the field under test).
 */
const PLAUSIBLE: Record<string, Record<string, unknown>> = {
  'sweeps.plan': { axes: [{ key: 'learning_rate', kind: 'grid', values: [0.001, 0.002] }] },
  'sweeps.start': { axes: [{ key: 'learning_rate', kind: 'grid', values: [0.001, 0.002] }] },
};

/** Plausible arguments of a request, for a mutation to break one thing in. */
export function baseArgs(name: string): Record<string, unknown> {
  const args = sample(requestSchemas[name as keyof typeof requestSchemas] as z.ZodType);
  return typeof args === 'object' && args !== null ? { ...(args as Record<string, unknown>), ...PLAUSIBLE[name] } : {};
}

/** The object shape of a request's schema, or null for one that is not an object. */
export function shapeOf(name: string): Record<string, z.ZodType> | null {
  const s = requestSchemas[name as keyof typeof requestSchemas] as z.ZodType;
  const d = def(s);
  return d.type === 'object' ? (d.shape ?? {}) : null;
}

/** The kind of JSON value a field holds, so a mutation can give it another kind. */
export function fieldType(s: z.ZodType): string {
  const d = def(s);
  if (d.type === 'optional' || d.type === 'nullable') return fieldType(d.innerType!);
  if (d.type === 'enum' || d.type === 'literal') return 'string';
  if (d.type === 'union') return 'object';
  return d.type;
}

export function isOptional(s: z.ZodType): boolean {
  return def(s).type === 'optional';
}

/** Every place in a request's arguments that takes a user path, with arguments reaching it. */
export function pathFields(name: string): { at: FieldPath; args: Record<string, unknown> }[] {
  const s = requestSchemas[name as keyof typeof requestSchemas] as z.ZodType;
  const found: { at: FieldPath; args: Record<string, unknown> }[] = [];
  const visit = (node: z.ZodType, at: FieldPath, build: (v: unknown) => unknown) => {
    if (node === userPath) {
      found.push({ at, args: build('/nonexistent-langlab-fuzz') as Record<string, unknown> });
      return;
    }
    const d = def(node);
    if (d.type === 'optional' || d.type === 'nullable') visit(d.innerType!, at, build);
    else if (d.type === 'array') visit(d.element!, [...at, 0], (v) => build([v]));
    else if (d.type === 'union') for (const option of d.options ?? []) visit(option, at, build);
    else if (d.type === 'object') {
      for (const [key, child] of Object.entries(d.shape ?? {})) {
        visit(child, [...at, key], (v) => build({ ...(sample(node) as object), [key]: v }));
      }
    }
  };
  // The request's own plausible values (a sweep's grid) around whatever reaches the path.
  visit(s, [], (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, ...PLAUSIBLE[name] } : v));
  return found;
}

/** Every request name of the contract. */
export const REQUEST_NAMES = Object.keys(requestSchemas).sort();
