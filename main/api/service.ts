import type { Handlers } from './dispatch.ts';
import { classifyHandlers } from './handlers/classify.ts';
import { compareHandlers } from './handlers/compare.ts';
import { coreHandlers } from './handlers/core.ts';
import { datasetHandlers } from './handlers/datasets.ts';
import { evaluationHandlers } from './handlers/evaluation.ts';
import { sweepHandlers } from './handlers/sweeps.ts';
import { lrFindHandlers } from './handlers/lr-find.ts';
import { trainingHandlers } from './handlers/training.ts';
import type { ServiceContext } from './service-context.ts';

export { APP_VERSION, type ServiceContext } from './service-context.ts';

/** The one service behind the bridge; both transports dispatch to it. One handler file per part of the contract. */
export function createService(ctx: ServiceContext): Handlers {
  return { ...coreHandlers(ctx), ...datasetHandlers(ctx), ...trainingHandlers(ctx), ...classifyHandlers(ctx), ...evaluationHandlers(ctx), ...compareHandlers(ctx), ...sweepHandlers(ctx), ...lrFindHandlers(ctx) };
}
