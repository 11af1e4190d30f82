import { z } from 'zod';
import type { LrFindRequests } from '../../../preload/contract.ts';
import { id, type SchemasFor } from './common.ts';
import { hyperparameters, model } from './training.ts';

const lr = z.number().positive().max(100);

/** Schemas of the learning-rate finder's requests. */
export const lrFindSchemas: SchemasFor<LrFindRequests> = {
  'lrFind.start': z
    .strictObject({ datasetId: id, model, hyperparameters, minLr: lr.optional(), maxLr: lr.optional(), steps: z.number().int().min(5).max(2000).optional() })
    .refine((a) => (a.minLr ?? 1e-7) < (a.maxLr ?? 1), { message: 'The finder ramps the learning rate up: minLr must be below maxLr.' }),
  'lrFind.result': z.strictObject({ id }),
  'lrFind.list': z.strictObject({ datasetId: id.optional(), limit: z.number().int().min(1).max(1000).optional() }),
  'lrFind.delete': z.strictObject({ id }),
};
