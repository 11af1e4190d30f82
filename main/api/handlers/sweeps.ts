import type { SweepRequests } from '../../../preload/contract.ts';
import { getSweep, listSweeps } from '../../store/sweeps.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** Defining, running and watching sweeps (the queue itself is the backend's SweepRunner). */
export function sweepHandlers(ctx: ServiceContext): HandlersFor<SweepRequests> {
  const { db } = ctx.store;
  return {
    'sweeps.plan': async (def) => ctx.sweeps.plan(def),
    'sweeps.start': async (def) => ctx.sweeps.start(def),
    'sweeps.list': async () => listSweeps(db),
    'sweeps.get': async ({ id }) => getSweep(db, id),
    'sweeps.cancel': ({ id }) => ctx.sweeps.cancel(id),
    'sweeps.resume': async ({ id }) => ctx.sweeps.resume(id),
  };
}
