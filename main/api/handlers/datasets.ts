import type { DatasetRequests } from '../../../preload/contract.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** The Datasets section's requests. */
export function datasetHandlers(_ctx: ServiceContext): HandlersFor<DatasetRequests> {
  return {};
}
