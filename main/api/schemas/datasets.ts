import type { DatasetRequests } from '../../../preload/contract.ts';
import type { SchemasFor } from './common.ts';

/** Schemas of the Datasets section's requests. */
export const datasetSchemas: SchemasFor<DatasetRequests> = {};
