import { z } from 'zod';
import type { ClassifyRequests } from '../../../preload/contract.ts';
import { id, noArgs, userPath, type SchemasFor } from './common.ts';

/** Schemas of the Classify section's requests. */
export const classifySchemas: SchemasFor<ClassifyRequests> = {
  'classify.jobs': noArgs,
  'classify.start': z.strictObject({ runId: id, root: userPath }),
  'classify.job': z.strictObject({ id }),
  'classify.results': z.strictObject({
    id,
    label: z.string().min(1).max(200).optional(),
    disagreeing: z.boolean().optional(),
    sort: z.enum(['path', 'confidence']).optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'classify.cancel': z.strictObject({ id }),
  'classify.delete': z.strictObject({ id }),
  'classify.leftOut': z.strictObject({
    id,
    reason: z.string().min(1).max(100),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'classify.file': z.strictObject({ id, path: z.string().min(1).max(4096) }),
};
