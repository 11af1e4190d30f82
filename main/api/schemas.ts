import { z } from 'zod';
import type { RequestArgs, RequestName } from '../../preload/contract.ts';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const noArgs = z.strictObject({}) as unknown as z.ZodType<Record<string, never>>;
const status = z.enum(['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED']);
const tag = z.string().trim().min(1).max(64);

/**
 * The schema of every request's arguments. Typed against the contract, so a request added to the
 * contract without a schema, or a schema that disagrees with its type, fails the type-check.
 */
export const requestSchemas: { [K in RequestName]: z.ZodType<RequestArgs<K>> } = {
  'app.info': noArgs,
  'datasets.list': noArgs,
  'runs.list': z.strictObject({
    text: z.string().max(200).optional(),
    tag: tag.optional(),
    status: status.optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    offset: z.number().int().min(0).optional(),
  }),
  'runs.get': z.strictObject({ id }),
  'runs.setNote': z.strictObject({ id, note: z.string().max(20_000) }),
  'runs.setTags': z.strictObject({ id, tags: z.array(tag).max(50) }),
  'runs.tags': noArgs,
  'runs.metrics': z.strictObject({ runIds: z.array(id).min(1).max(50), keys: z.array(z.string().min(1).max(100)).max(100).optional() }),
  'classify.jobs': noArgs,
};
