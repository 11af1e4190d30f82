import { z } from 'zod';
import type { SweepDefinition, SweepRequests } from '../../../preload/contract.ts';
import { HYPERPARAMETERS } from '../../../preload/hyperparameters.ts';
import { id, noArgs, type SchemasFor } from './common.ts';
import { hyperparameters, model } from './training.ts';

// Shape only (known keys, finite numbers): ranges are checked by expandSweep, whose messages name
// the value and its allowed range as the New Run form does.
const key = z.enum(HYPERPARAMETERS.map((s) => s.key) as [string, ...string[]]);
const axis = z.discriminatedUnion('kind', [
  z.strictObject({ key, kind: z.literal('grid'), values: z.array(z.union([z.number(), z.boolean()])).max(1000) }),
  z.strictObject({ key, kind: z.literal('range'), low: z.number(), high: z.number(), scale: z.enum(['linear', 'log']) }),
]);

const definition = z.strictObject({
  name: z.string().trim().max(200).optional(),
  datasetId: id,
  model,
  provider: z.string().min(1).max(32).optional(),
  base: hyperparameters,
  axes: z.array(axis).max(40),
  trials: z.number().int().min(0).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  metric: z.enum(['val_loss', 'val_accuracy', 'test_accuracy', 'test_macro_f1']),
}) as unknown as z.ZodType<SweepDefinition>;

/** Schemas of the sweep requests. */
export const sweepSchemas: SchemasFor<SweepRequests> = {
  'sweeps.plan': definition,
  'sweeps.start': definition,
  'sweeps.list': noArgs,
  'sweeps.get': z.strictObject({ id }),
  'sweeps.cancel': z.strictObject({ id }),
  'sweeps.resume': z.strictObject({ id }),
};
