import type { TrainingRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { deletePreset, listPresets, savePreset } from '../../store/presets.ts';
import { listPredictions } from '../../store/run-predictions.ts';
import { runOwnership } from '../../store/runs.ts';
import { estimateRun, modelSecondsPerStep } from '../../trainer/host/estimate.ts';
import { machineFactor, measuredRate } from '../../trainer/host/measured-rate.ts';
import { checkModelFolder } from '../../trainer/host/model-check.ts';
import { exportedModelDir } from '../../trainer/host/run-model.ts';
import { planRun } from '../../trainer/host/run-plan.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** Starting, watching and using training runs. */
export function trainingHandlers(ctx: ServiceContext): HandlersFor<TrainingRequests> {
  const { db } = ctx.store;
  return {
    'models.check': async ({ path: dir }) => checkModelFolder(dir).check,
    'runs.estimate': async (args) => {
      const plan = planRun(db, { ...args, provider: 'cpu' });
      const measured = measuredRate(db, plan);
      // Only without a measurement of this model and length: the machine's speed on other models.
      return estimateRun(plan, measured, measured ? null : machineFactor(db, plan.provider, (p) => modelSecondsPerStep(p)));
    },
    'runs.start': (args) => ctx.runs.start(args),
    'runs.cancel': ({ id }) => ctx.runs.cancel(id),
    'runs.resume': ({ id }) => ctx.runs.resume(id),
    'runs.delete': ({ id }) => ctx.runs.delete(id),
    'runs.active': async () => ctx.runs.active(),
    'runs.log': async ({ id, afterSeq }) => ctx.runs.log(id, afterSeq),
    'runs.predictions': async (query) => {
      if (!runOwnership(db, query.id)) throw new LanglabError('NOT_FOUND', `There is no run ${query.id} in the store.`);
      return listPredictions(db, query);
    },
    'runs.predict': async ({ id, text }) => {
      const [ranked] = await ctx.predictor.predict(exportedModelDir(db, ctx.dataDir, id), [text]);
      return ranked;
    },
    'presets.list': async () => listPresets(db),
    'presets.save': async (preset) => savePreset(db, preset),
    'presets.delete': async ({ id }) => {
      deletePreset(db, id);
      return { id };
    },
  };
}
