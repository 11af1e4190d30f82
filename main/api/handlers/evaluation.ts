import os from 'node:os';
import type { EvaluationRequests } from '../../../preload/contract.ts';
import { planEvaluation, runEvaluation } from '../../classify/evaluate-dataset.ts';
import { LanglabError } from '../../errors.ts';
import { SCAN_JOB_START } from '../../jobs/registry.ts';
import { deleteDatasetEvaluation, getDatasetEvaluation, listDatasetEvaluations, listEvaluationPredictions, saveDatasetEvaluation } from '../../store/evaluations.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** An evaluation runs its model on every core, as a classification job does (the Try it box keeps to one). */
const BATCH_THREADS = os.availableParallelism();

function noEvaluation(id: number): LanglabError {
  return new LanglabError('NOT_FOUND', `There is no evaluation ${id} on a dataset. It may have been deleted with its run; reload the run's page.`);
}

/** Evaluating runs on other datasets: a job in the registry every long operation uses, inference in the prediction worker. */
export function evaluationHandlers(ctx: ServiceContext): HandlersFor<EvaluationRequests> {
  const { db } = ctx.store;
  return {
    // Bad input (no model, no label in common, an empty split) is refused here, before a job exists.
    'runs.evaluate': async ({ runId, datasetId, split }) => {
      const plan = planEvaluation(db, ctx.dataDir, { runId, datasetId, scope: split ?? 'all' });
      const scope = plan.scope === 'all' ? '' : ` (${plan.scope} split)`;
      const title = `Evaluating ${plan.runName} on ${plan.datasetName}${scope}`;
      return ctx.jobs.start('run.evaluate', title, SCAN_JOB_START, async (control) => {
        control.progress({ phase: 'predict', fraction: 0 });
        const result = await runEvaluation(db, plan, {
          predict: (modelDir, texts, topK) => ctx.predictor.predict(modelDir, texts, topK, BATCH_THREADS),
          signal: control.signal,
          onProgress: (done, total, current) => control.progress({ filesSeen: done, fraction: total > 0 ? done / total : 1, current }),
        });
        control.progress({ phase: 'save', fraction: null, current: null });
        const id = saveDatasetEvaluation(db, result);
        ctx.events.emit('store.changed', { what: 'runs', id: runId });
        return id;
      });
    },
    'runs.evaluations': async ({ runIds }) => listDatasetEvaluations(db, runIds),
    'runs.evaluation': async ({ id }) => getDatasetEvaluation(db, id) ?? Promise.reject(noEvaluation(id)),
    'runs.evaluationPredictions': async (query) => {
      if (!getDatasetEvaluation(db, query.id)) throw noEvaluation(query.id);
      return listEvaluationPredictions(db, query);
    },
    'runs.deleteEvaluation': async ({ id }) => {
      const evaluation = getDatasetEvaluation(db, id);
      if (!evaluation || !deleteDatasetEvaluation(db, id)) throw noEvaluation(id);
      ctx.events.emit('store.changed', { what: 'runs', id: evaluation.runId });
      return { id };
    },
  };
}
