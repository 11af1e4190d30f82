import { z } from 'zod';
import type { EvaluationRequests } from '../../../preload/contract.ts';
import { id, type SchemasFor } from './common.ts';

const label = z.string().min(1).max(200);

/** Schemas of the requests that evaluate runs on other datasets. */
export const evaluationSchemas: SchemasFor<EvaluationRequests> = {
  'runs.evaluate': z.strictObject({ runId: id, datasetId: id, split: z.enum(['all', 'train', 'validation', 'test']).optional() }),
  'runs.evaluations': z.strictObject({ runIds: z.array(id).max(1000) }),
  'runs.evaluation': z.strictObject({ id }),
  'runs.evaluationPredictions': z.strictObject({
    id,
    trueLabel: label.optional(),
    predictedLabel: label.optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'runs.deleteEvaluation': z.strictObject({ id }),
};
