import type { HyperparameterKey, Hyperparameters, HyperparameterSpec, ModelKind, ModelLimits } from '../../../preload/contract.ts';
import { defaultHyperparameters, HYPERPARAMETERS, parseDecimal, rangeText, storedHyperparameters, validateHyperparameters } from '../../../preload/hyperparameters.ts';

/** What the form holds: numbers as the text typed (so "2e-5" and half-typed values survive), switches as booleans. */
export type FormValues = Record<HyperparameterKey, string | boolean>;

/** The fields of one model kind, grouped in table order for the form's sections. */
export function groupedSpecs(kind: ModelKind): { group: HyperparameterSpec['group']; title: string; specs: HyperparameterSpec[] }[] {
  const titles: Record<HyperparameterSpec['group'], string> = {
    training: 'Training',
    optimizer: 'Optimizer',
    regularisation: 'Regularisation',
    model: kind === 'scratch' ? 'Model size' : 'Fine-tuning',
  };
  const order: HyperparameterSpec['group'][] = ['model', 'training', 'optimizer', 'regularisation'];
  return order
    .map((group) => ({ group, title: titles[group], specs: HYPERPARAMETERS.filter((s) => s.group === group && s.appliesTo.includes(kind)) }))
    .filter((g) => g.specs.length > 0);
}

/** Form values for a model kind: its defaults, overridden by any known values (a preset or the run being re-run). */
export function formValues(kind: ModelKind, stored: Record<string, unknown> = {}): FormValues {
  const base = defaultHyperparameters(kind);
  const from = storedHyperparameters(stored);
  const out = {} as FormValues;
  for (const s of HYPERPARAMETERS) {
    const given = from[s.key];
    const value = s.type === 'bool' ? (typeof given === 'boolean' ? given : base[s.key]) : typeof given === 'number' && Number.isFinite(given) ? given : base[s.key];
    out[s.key] = typeof value === 'boolean' ? value : String(value);
  }
  return out;
}

/** The hyperparameters the form describes; unparsable text becomes NaN (and an error from `formErrors`). */
export function toHyperparameters(values: FormValues): Hyperparameters {
  const out: Record<string, number | boolean> = {};
  for (const s of HYPERPARAMETERS) {
    const v = values[s.key];
    out[s.key] = s.type === 'bool' ? Boolean(v) : parseDecimal(String(v));
  }
  return out as unknown as Hyperparameters;
}

/** Only the keys a model kind uses, for runs.start, runs.estimate and presets. */
export function relevantHyperparameters(hp: Hyperparameters, kind: ModelKind): Partial<Hyperparameters> {
  const out: Record<string, number | boolean> = {};
  for (const s of HYPERPARAMETERS) if (s.appliesTo.includes(kind)) out[s.key] = hp[s.key];
  return out as Partial<Hyperparameters>;
}

/**
 * One message per field that stops the run from starting, naming the allowed range: the shared
 * validation (ranges, heads dividing the width, the checked model's limits) plus text that is not
 * a number at all.
 */
export function formErrors(values: FormValues, kind: ModelKind, limits: ModelLimits = {}): Partial<Record<HyperparameterKey, string>> {
  const errors: Partial<Record<HyperparameterKey, string>> = {};
  for (const e of validateHyperparameters(toHyperparameters(values), kind, limits)) {
    if (errors[e.key]) continue;
    const spec = HYPERPARAMETERS.find((s) => s.key === e.key)!;
    const text = String(values[e.key]).trim();
    if (spec.type !== 'bool' && text === '') errors[e.key] = `${spec.label} is empty; enter a number ${rangeText(spec)}.`;
    else if (spec.type !== 'bool' && Number.isNaN(parseDecimal(text))) errors[e.key] = `"${text}" is not a decimal number; ${spec.label} must be ${rangeText(spec)}.`;
    else errors[e.key] = e.message;
  }
  return errors;
}

/**
 * The form after switching model kind: what the user typed (anything not the old kind's default)
 * stays where the new kind has that field and accepts the value; everything else takes the new
 * kind's default.
 */
export function switchKind(values: FormValues, from: ModelKind, to: ModelKind): FormValues {
  const oldDefaults = formValues(from);
  const next = formValues(to);
  for (const s of HYPERPARAMETERS) {
    if (!s.appliesTo.includes(to) || values[s.key] === oldDefaults[s.key]) continue;
    const trial = { ...next, [s.key]: values[s.key] };
    if (!formErrors(trial, to)[s.key]) next[s.key] = values[s.key];
  }
  return next;
}
