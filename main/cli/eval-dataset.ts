// `langlab eval <run> --dataset <id|folder>`: the app's "Evaluate on…" from a terminal, through the
// same requests: the dataset is resolved (a folder is added first), `runs.evaluate` runs as a job
// in the service's prediction worker, with a progress line on stderr and Ctrl-C to cancel (nothing
// is stored), and the stored evaluation is read back with `runs.evaluation`.
import type { DatasetEvaluationInfo, EvaluationScope } from '../../preload/contract.ts';
import { resolveDataset } from './resolve-dataset.ts';
import type { CliService } from './service.ts';

export async function evaluateOnDataset(service: CliService, o: { runId: number; dataset: string; scope: EvaluationScope }): Promise<{ status: string; evaluation: DatasetEvaluationInfo }> {
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY === true;
  const say = (line: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  try {
    const datasetId = await resolveDataset(service, o.dataset, stop.signal, say);
    const start = service.call('runs.evaluate', { runId: o.runId, datasetId, split: o.scope });
    start.then((job) => say(`${job.title} ...`), () => undefined);
    let id: number;
    try {
      id = await service.runJob(start, {
        signal: stop.signal,
        onProgress: (job) => {
          if (tty && job.phase === 'predict') process.stderr.write(`\r\x1b[K${job.filesSeen} files${job.fraction !== null ? ` (${(100 * job.fraction).toFixed(0)}%)` : ''}`);
        },
      });
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
    }
    const evaluation = await service.call('runs.evaluation', { id });
    return { status: (await service.call('runs.get', { id: o.runId })).status, evaluation };
  } finally {
    process.off('SIGINT', onSigint);
  }
}
