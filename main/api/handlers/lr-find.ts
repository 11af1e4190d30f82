import type { LrFindRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { addLrFindPoint, createLrFind, deleteLrFind, endLrFind, getLrFind, listLrFinds } from '../../store/lr-finds.ts';
import { planRun } from '../../trainer/host/run-plan.ts';
import { runLrFindInWorker } from '../../trainer/host/lr-finder.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** The defaults of the range test: the guide's ramp from 1e-7 to 1, 100 steps. */
export const LR_FIND_DEFAULTS = { minLr: 1e-7, maxLr: 1, steps: 100 } as const;

/**
 * The learning-rate finder: a job that trains a throwaway model in a worker thread. It leaves no
 * checkpoint; it is stored as a finder run (store/lr-finds.ts) whose curve is written step by step,
 * so the page and the command line can show it again after a restart.
 */
export function lrFindHandlers(ctx: ServiceContext): HandlersFor<LrFindRequests> {
  const { db } = ctx.store;
  // The worker may answer after the backend closed the store (the app quitting mid-test): the close
  // has marked the finder run INTERRUPTED by then, and nothing more is written.
  const whileOpen = (write: () => void) => {
    if (db.open) write();
  };
  return {
    'lrFind.start': async (args) => {
      // The same checks as a run: the dataset's classes and splits, the model, every hyperparameter's range.
      const plan = planRun(db, { datasetId: args.datasetId, model: args.model, hyperparameters: args.hyperparameters });
      const minLr = args.minLr ?? LR_FIND_DEFAULTS.minLr;
      const maxLr = args.maxLr ?? LR_FIND_DEFAULTS.maxLr;
      const steps = args.steps ?? LR_FIND_DEFAULTS.steps;
      return ctx.jobs.start(
        'lr.find',
        `Learning-rate finder on ${plan.dataset.name}`,
        { phase: 'preparing', step: 0, steps, lr: null, loss: null },
        async (control) => {
          const id = createLrFind(db, { datasetId: plan.dataset.id, datasetName: plan.dataset.name, model: plan.model, hyperparameters: plan.hyperparameters, minLr, maxLr, steps });
          let ended = false;
          try {
            const outcome = await runLrFindInWorker(
              {
                storeFile: ctx.store.file, datasetId: plan.dataset.id, model: plan.model, hyperparameters: plan.hyperparameters, minLr, maxLr, steps,
                // The worker thread runs in this process: in the desktop app it needs Electron's build of better-sqlite3.
                ...(ctx.nativeBinding ? { nativeBinding: ctx.nativeBinding } : {}),
              },
              (p) => control.progress(p),
              control.signal,
              (step, point) => whileOpen(() => addLrFindPoint(db, id, step, point)),
            );
            const { labels: _labels, ...end } = outcome;
            whileOpen(() => endLrFind(db, id, end));
            ended = true;
            if (outcome.status === 'KILLED') throw new LanglabError('CANCELLED', 'The learning-rate finder was cancelled.');
            return id;
          } catch (err) {
            // Stopped before the worker could answer (a cancel while preparing, a failure): keep the curve so far.
            if (!ended) whileOpen(() => endLrFind(db, id, control.signal.aborted ? { status: 'KILLED' } : { status: 'FAILED', error: err instanceof Error ? err.message : String(err) }));
            throw err;
          }
        },
      );
    },
    'lrFind.result': async ({ id }) => getLrFind(db, id),
    'lrFind.list': async (args) => listLrFinds(db, args),
    'lrFind.delete': async ({ id }) => {
      deleteLrFind(db, id);
      return { id };
    },
  };
}
