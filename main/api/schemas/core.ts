import { z } from 'zod';
import type { CoreRequests } from '../../../preload/contract.ts';
import { id, noArgs, status, tag, type SchemasFor } from './common.ts';

/** Schemas of the foundation's requests. */
export const coreSchemas: SchemasFor<CoreRequests> = {
  'app.info': noArgs,
  'app.providers': noArgs,
  'runs.list': z.strictObject({
    text: z.string().max(200).optional(),
    tag: tag.optional(),
    status: status.optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    offset: z.number().int().min(0).optional(),
  }),
  'runs.exportCsv': z.strictObject({ text: z.string().max(200).optional(), tag: tag.optional(), status: status.optional() }),
  'runs.get': z.strictObject({ id }),
  'runs.setNote': z.strictObject({ id, note: z.string().max(20_000) }),
  'runs.setTags': z.strictObject({ id, tags: z.array(tag).max(50) }),
  'runs.tags': noArgs,
  'runs.metrics': z.strictObject({ runIds: z.array(id).min(1).max(50), keys: z.array(z.string().min(1).max(100)).max(100).optional() }),
  'runs.params': z.strictObject({ runIds: z.array(id).min(1).max(5000) }),
  'jobs.list': noArgs,
  'jobs.cancel': z.strictObject({ jobId: z.string().min(1).max(100) }),
  'system.pickPath': z.strictObject({ kind: z.enum(['folder', 'folders', 'file']), title: z.string().max(200).optional() }),
};
