// The worker-thread entry of a dataset scan: the walk, reads, hashing and MinHash of a
// 100,000-file tree run here, so the thread answering the UI never waits on them.
import { parentPort } from 'node:worker_threads';
import { LanglabError } from '../../errors.ts';
import { runScanJob, type FromScanWorker, type ToScanWorker } from './scan-job.ts';

const port = parentPort;
if (!port) throw new Error('scan-worker.ts runs only as a worker thread.');
const controller = new AbortController();
const send = (message: FromScanWorker) => port.postMessage(message);

port.on('message', (message: ToScanWorker) => {
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  runScanJob(message.job, controller.signal, (progress) => send({ type: 'progress', progress })).then(
    (result) => send({ type: 'result', result }),
    (err: unknown) => {
      const code = err instanceof LanglabError ? err.code : 'INTERNAL';
      send({ type: 'error', code, message: err instanceof Error ? err.message : String(err) });
    },
  );
});
