import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LanglabError, type ErrorCode } from '../../errors.ts';
import { workerEntry } from '../../worker/entries.ts';
import { startWorker } from '../../worker/start-worker.ts';
import { cancelled } from '../progress.ts';
import type { DatasetResult, ScanProgress } from '../types.ts';
import type { FromScanWorker, ScanJob, ToScanWorker } from './scan-job.ts';

const ENTRY = workerEntry('scan');
/** How long a cancelled scan may take to notice its signal before its thread is stopped. */
const CANCEL_GRACE_MS = 3000;

/**
 * Runs a dataset scan in a worker thread and resolves with its result; progress is forwarded as
 * it comes. Aborting `signal` asks the scan to stop, and stops the thread if it does not.
 */
export function scanInWorker(job: ScanJob, options: { signal?: AbortSignal; onProgress?: (p: ScanProgress) => void } = {}): Promise<DatasetResult> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(cancelled());
  if (!existsSync(ENTRY)) {
    return Promise.reject(new LanglabError('INTERNAL', `The dataset scan worker ${fileURLToPath(ENTRY)} is missing. Rebuild the app (npm run build).`));
  }
  const worker = startWorker(ENTRY);
  const send = (message: ToScanWorker) => worker.postMessage(message);
  return new Promise<DatasetResult>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: { result: DatasetResult } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    const onAbort = () => {
      send({ type: 'cancel' });
      killTimer = setTimeout(() => finish({ error: cancelled() }), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: FromScanWorker) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'result') finish({ result: message.result });
      else finish({ error: new LanglabError(message.code as ErrorCode, message.message) });
    });
    worker.on('error', (err) => finish({ error: new LanglabError('INTERNAL', `The dataset scan stopped unexpectedly: ${err.message}`) }));
    worker.on('exit', (code) => finish({ error: new LanglabError('INTERNAL', `The dataset scan stopped unexpectedly (exit code ${code}).`) }));
    send({ type: 'start', job });
  });
}
