import { z } from 'zod';
import type { ClassifyRequests } from '../../../preload/contract.ts';
import { id, noArgs, userPath, type SchemasFor } from './common.ts';

/** A job's confidence threshold: a probability, 0 marking no file unknown. */
const threshold = z
  .number()
  .refine((x) => x >= 0 && x <= 1, { error: (iss) => `${String(iss.input)} is outside [0, 1]; give a threshold between 0 and 1 (0 marks no file unknown)` });
const exportFormat = z.enum(['csv', 'jsonl']);

/** Schemas of the Classify section's requests. */
export const classifySchemas: SchemasFor<ClassifyRequests> = {
  'classify.jobs': noArgs,
  'classify.start': z.strictObject({ runId: id, root: userPath, threshold: threshold.optional(), secondRunId: id.optional(), precision: z.enum(['int8', 'float']).optional() }),
  'classify.comparison': z.strictObject({ id }),
  'classify.disagreements': z.strictObject({
    id,
    label: z.string().min(1).max(200).optional(),
    sort: z.enum(['path', 'confidence']).optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'classify.job': z.strictObject({ id }),
  'classify.results': z.strictObject({
    id,
    label: z.string().min(1).max(200).optional(),
    unknown: z.boolean().optional(),
    disagreeing: z.boolean().optional(),
    sort: z.enum(['path', 'confidence']).optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    after: z.strictObject({ path: z.string().min(1).max(4096), confidence: z.number().min(0).max(1) }).optional(),
  }),
  'classify.setThreshold': z.strictObject({ id, threshold }),
  'classify.export': z.strictObject({ id, format: exportFormat }),
  'classify.saveExport': z.strictObject({ id, format: exportFormat }),
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
