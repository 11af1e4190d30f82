import { z } from 'zod';
import type { TrainingRequests } from '../../../preload/contract.ts';
import { HYPERPARAMETERS } from '../../../preload/hyperparameters.ts';
import type { Hyperparameters } from '../../../preload/hyperparameters.ts';
import { id, noArgs, userPath, type SchemasFor } from './common.ts';

// Shape only (known keys, right JSON types): ranges are checked by validateHyperparameters so the
// message names the value and its allowed range the same way the form does.
export const hyperparameters = z.strictObject(
  Object.fromEntries(HYPERPARAMETERS.map((s) => [s.key, (s.type === 'bool' ? z.boolean() : z.number()).optional()])),
) as unknown as z.ZodType<Partial<Hyperparameters>>;

export const model = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('scratch') }), z.strictObject({ kind: z.literal('pretrained'), path: userPath })]);
const modelKind = z.enum(['pretrained', 'scratch']);
const label = z.string().min(1).max(200);

/** Schemas of the training requests. */
export const trainingSchemas: SchemasFor<TrainingRequests> = {
  'models.check': z.strictObject({ path: userPath }),
  'runs.estimate': z.strictObject({ datasetId: id, model, hyperparameters }),
  'runs.start': z.strictObject({ name: z.string().trim().max(200).optional(), datasetId: id, model, hyperparameters, provider: z.string().min(1).max(32) }),
  'runs.cancel': z.strictObject({ id }),
  'runs.resume': z.strictObject({ id }),
  'runs.delete': z.strictObject({ id }),
  'runs.active': noArgs,
  'runs.log': z.strictObject({ id, afterSeq: z.number().int().min(0).optional() }),
  'runs.predictions': z.strictObject({
    id,
    trueLabel: label.optional(),
    predictedLabel: label.optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'runs.predict': z.strictObject({ id, text: z.string().min(1).max(2_000_000) }),
  'presets.list': noArgs,
  'presets.save': z.strictObject({ name: z.string().trim().min(1).max(100), modelKind, hyperparameters }),
  'presets.delete': z.strictObject({ id }),
};
