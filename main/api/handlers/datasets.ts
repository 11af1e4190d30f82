import type { DatasetRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

const notYet = async (): Promise<never> => {
  throw new LanglabError('NOT_IMPLEMENTED', 'This dataset action is not available in this build yet.');
};

/** The Datasets section's requests. */
export function datasetHandlers(_ctx: ServiceContext): HandlersFor<DatasetRequests> {
  return {
    'datasets.get': notYet,
    'datasets.files': notYet,
    'datasets.fileText': notYet,
    'datasets.add': notYet,
    'datasets.build': notYet,
    'datasets.delete': notYet,
    'tasks.list': notYet,
    'tasks.cancel': notYet,
    'system.pickPath': notYet,
  };
}
