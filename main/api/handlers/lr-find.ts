import type { LrFindRequests, LrFindResult } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { planRun } from '../../trainer/host/run-plan.ts';
import { runLrFindInWorker } from '../../trainer/host/lr-finder.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** The defaults of the range test: the guide's ramp from 1e-7 to 1, 100 steps. */
export const LR_FIND_DEFAULTS = { minLr: 1e-7, maxLr: 1, steps: 100 } as const;

/**
 * The learning-rate finder: a job that trains a throwaway model in a worker thread. It creates no
 * run and leaves nothing on disk; finished curves are kept in memory (the last few) so the page and
 * the command line can read them once the job is done.
 */
export function lrFindHandlers(ctx: ServiceContext): HandlersFor<LrFindRequests> {
  const results = new Map<number, LrFindResult>();
  let nextId = 1;
  const KEEP = 20;
  return {
    'lrFind.start': async (args) => {
      // The same checks as a run: the dataset's classes and splits, the model, every hyperparameter's range.
      const plan = planRun(ctx.store.db, { datasetId: args.datasetId, model: args.model, hyperparameters: args.hyperparameters });
      const minLr = args.minLr ?? LR_FIND_DEFAULTS.minLr;
      const maxLr = args.maxLr ?? LR_FIND_DEFAULTS.maxLr;
      const steps = args.steps ?? LR_FIND_DEFAULTS.steps;
      const info = ctx.jobs.start(
        'lr.find',
        `Learning-rate finder on ${plan.dataset.name}`,
        { phase: 'preparing', step: 0, steps, lr: null, loss: null },
        async (control) => {
          const outcome = await runLrFindInWorker(
            {
              storeFile: ctx.store.file, datasetId: plan.dataset.id, model: plan.model, hyperparameters: plan.hyperparameters, minLr, maxLr, steps,
              // The worker thread runs in this process: in the desktop app it needs Electron's build of better-sqlite3.
              ...(ctx.nativeBinding ? { nativeBinding: ctx.nativeBinding } : {}),
            },
            (p) => control.progress(p),
            control.signal,
          );
          if (outcome.status === 'KILLED') throw new LanglabError('CANCELLED', 'The learning-rate finder was cancelled.');
          const id = nextId++;
          const { labels: _labels, ...rest } = outcome;
          results.set(id, { id, datasetId: plan.dataset.id, model: plan.model, minLr, maxLr, steps, ...rest });
          for (const old of results.keys()) if (results.size > KEEP) results.delete(old);
          return id;
        },
      );
      return info;
    },
    'lrFind.result': async ({ id }) => {
      const r = results.get(id);
      if (!r) throw new LanglabError('NOT_FOUND', `There is no learning-rate finder result ${id}: results are kept until the app restarts; run the finder again.`);
      return r;
    },
  };
}
