import { z } from 'zod';
import type { DatasetRequests } from '../../../preload/contract.ts';
import { id, noArgs, userPath, type SchemasFor } from './common.ts';

const split = z.enum(['train', 'validation', 'test']);
const fraction = z.number().min(0).max(0.9);
const common = {
  name: z.string().trim().min(1).max(200).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  testFraction: fraction.optional(),
  validationFraction: fraction.optional(),
  maxBytes: z.number().int().min(1).max(1024 ** 3).optional(),
};

const page = { offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() };

/** Schemas of the Datasets section's requests. */
export const datasetSchemas: SchemasFor<DatasetRequests> = {
  'datasets.list': noArgs,
  'datasets.get': z.strictObject({ id }),
  'datasets.files': z.strictObject({
    id,
    label: z.string().min(1).max(200).optional(),
    split: split.optional(),
    path: z.string().min(1).max(1000).optional(),
    ...page,
  }),
  'datasets.fileText': z.strictObject({ id, index: z.number().int().min(0) }),
  'datasets.skippedFiles': z.strictObject({ id, reason: z.string().min(1).max(100), ...page }),
  'datasets.nearDuplicates': z.strictObject({ id, ...page }),
  'datasets.duplicates': z.strictObject({ id, ...page }),
  'datasets.conflicts': z.strictObject({ id, ...page }),
  'datasets.add': z.strictObject({ ...common, kind: z.enum(['folder', 'csv', 'jsonl']), path: userPath }),
  'datasets.build': z.strictObject({
    ...common,
    roots: z.array(userPath).min(1).max(100),
    top: z.number().int().min(1).max(1000).optional(),
    minFiles: z.number().int().min(1).max(1_000_000).optional(),
    cap: z.number().int().min(1).max(10_000_000).optional(),
    overrides: z.record(z.string().regex(/^\.[^/\\]{1,32}$/), z.string().min(1).max(100).nullable()).optional(),
    languages: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
  }),
  'datasets.delete': z.strictObject({ id }),
  'datasets.headers': noArgs,
  'datasets.fullReport': z.strictObject({ id }),
};
