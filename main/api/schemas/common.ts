import { z } from 'zod';

/** A schema per request of one part of the contract, typed so that a missing one fails the type-check. */
export type SchemasFor<R> = { [K in keyof R]: R[K] extends { args: infer A } ? z.ZodType<A> : never };

export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const noArgs = z.strictObject({}) as unknown as z.ZodType<Record<string, never>>;
export const status = z.enum(['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED']);
export const tag = z.string().trim().min(1).max(64);
/** A file-system path typed or picked by the user; the handler checks what it points at. */
export const userPath = z.string().trim().min(1).max(4096);
