// The runs of the Compare page as the parallel-coordinates view takes them: every parameter, and
// the final metrics a user ranks runs by (test accuracy and macro F1, last validation loss and accuracy).
import type { RunSummary } from '../../../preload/contract.ts';
import type { ParallelRun, ParamValue } from './parallel-axes.ts';

export function parallelRuns(runs: readonly RunSummary[], params: ReadonlyMap<number, Record<string, ParamValue>>): ParallelRun[] {
  return runs.map((r) => ({
    id: r.id,
    name: r.name,
    params: params.get(r.id) ?? {},
    metrics: {
      test_accuracy: r.test?.accuracy ?? null,
      test_macro_f1: r.test?.macroF1 ?? null,
      val_loss: r.latest.val_loss ?? null,
      val_accuracy: r.latest.val_accuracy ?? null,
    },
  }));
}
