import type { z } from 'zod';
import type { RequestArgs, RequestName } from '../../preload/contract.ts';
import { classifySchemas } from './schemas/classify.ts';
import { compareSchemas } from './schemas/compare.ts';
import { coreSchemas } from './schemas/core.ts';
import { datasetSchemas } from './schemas/datasets.ts';
import { lrFindSchemas } from './schemas/lr-find.ts';
import { evaluationSchemas } from './schemas/evaluation.ts';
import { sweepSchemas } from './schemas/sweeps.ts';
import { trainingSchemas } from './schemas/training.ts';

/**
 * The schema of every request's arguments, one file per part of the contract. Typed against the
 * contract, so a request added without a schema, or a schema that disagrees with its type, fails
 * the type-check.
 */
export const requestSchemas: { [K in RequestName]: z.ZodType<RequestArgs<K>> } = { ...coreSchemas, ...datasetSchemas, ...trainingSchemas, ...classifySchemas, ...evaluationSchemas, ...compareSchemas, ...sweepSchemas, ...lrFindSchemas };
