import type { TrainingRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

const notYet = async (): Promise<never> => {
  throw new LanglabError('NOT_IMPLEMENTED', 'Training from the app is not available in this build yet.');
};

/** Starting, watching and using training runs. */
export function trainingHandlers(_ctx: ServiceContext): HandlersFor<TrainingRequests> {
  return {
    'models.check': notYet,
    'runs.estimate': notYet,
    'runs.start': notYet,
    'runs.cancel': notYet,
    'runs.resume': notYet,
    'runs.delete': notYet,
    'runs.active': notYet,
    'runs.log': notYet,
    'runs.predictions': notYet,
    'runs.predict': notYet,
    'presets.list': notYet,
    'presets.save': notYet,
    'presets.delete': notYet,
  };
}
