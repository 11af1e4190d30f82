import { z } from 'zod';
import type { CompareRequests } from '../../../preload/contract.ts';
import { id, type SchemasFor } from './common.ts';

const label = z.string().min(1).max(200);

// Two runs, and optionally one evaluation of each on another dataset (both or neither).
const pair = {
  runA: id,
  runB: id,
  evaluationA: id.optional(),
  evaluationB: id.optional(),
};
const bothOrNeither = (q: { evaluationA?: number; evaluationB?: number }) => (q.evaluationA === undefined) === (q.evaluationB === undefined);
const BOTH_OR_NEITHER = { message: 'Give an evaluation of each run (evaluationA and evaluationB), or neither to compare their own test splits.' };

/** Schemas of the requests that compare two runs file by file. */
export const compareSchemas: SchemasFor<CompareRequests> = {
  'compare.pair': z.strictObject(pair).refine(bothOrNeither, BOTH_OR_NEITHER),
  'compare.pairFiles': z
    .strictObject({
      ...pair,
      filter: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.enum(['broken', 'fixed']), trueLabel: label.optional() }),
        z.strictObject({ kind: z.literal('cell'), trueLabel: label, predictedLabel: label }),
      ]),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    })
    .refine(bothOrNeither, BOTH_OR_NEITHER),
};
