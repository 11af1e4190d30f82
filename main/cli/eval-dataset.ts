// `langlab eval <run> --dataset <id|folder>`: the app's "Evaluate on…" from a terminal. The same
// plan, scoring and store calls as the app; the model runs in this process (a terminal has no UI
// to keep responsive), with a progress line on stderr and Ctrl-C to cancel (nothing is stored).
import type { DatasetEvaluationInfo, EvaluationScope } from '../../preload/contract.ts';
import { planEvaluation, runEvaluation } from '../classify/evaluate-dataset.ts';
import { getDatasetEvaluation, saveDatasetEvaluation } from '../store/evaluations.ts';
import { getRun } from '../store/runs.ts';
import { openCliStore, resolveHome } from './command.ts';
import { resolveDataset } from './resolve-dataset.ts';

export async function evaluateOnDataset(o: { runId: number; dataset: string; scope: EvaluationScope; home: string | undefined }): Promise<{ status: string; evaluation: DatasetEvaluationInfo }> {
  const store = openCliStore(o.home);
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY === true;
  const say = (line: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  try {
    const datasetId = await resolveDataset(store, o.dataset, stop.signal, say);
    const plan = planEvaluation(store.db, resolveHome(o.home), { runId: o.runId, datasetId, scope: o.scope });
    say(`Evaluating run ${plan.runId} (${plan.runName}) on dataset ${plan.datasetId} (${plan.datasetName}): ${plan.files.length} files ...`);
    // Loaded here, not at start-up: onnxruntime is heavy and the other commands do not need it.
    const { Classifier } = await import('../engine/export/classifier.ts');
    const classifier = await Classifier.load(plan.modelDir);
    let result;
    try {
      result = await runEvaluation(store.db, plan, {
        predict: (_dir, texts, topK) => classifier.predict(texts, { topK }),
        signal: stop.signal,
        onProgress: (done, total) => {
          if (tty) process.stderr.write(`\r\x1b[K${done}/${total} files`);
        },
      });
    } finally {
      await classifier.close();
      if (tty) process.stderr.write('\r\x1b[K');
    }
    const id = saveDatasetEvaluation(store.db, result);
    return { status: getRun(store.db, o.runId).status, evaluation: getDatasetEvaluation(store.db, id)! };
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}
