// Runs one learning-rate range test in a worker thread of its own and relays its progress; a
// cancel asks the worker to stop after the step in flight, then ends the thread.
import { LanglabError, type ErrorCode } from '../../errors.ts';
import { workerEntry } from '../../worker/entries.ts';
import { startWorker } from '../../worker/start-worker.ts';
import type { LrFindProgress } from '../../../preload/contract-common.ts';
import type { LrFindOutcome, LrFindRequest } from '../lr-find.ts';
import type { LrPoint } from '../lr-range.ts';

export type LrFindCommand = { type: 'start'; request: LrFindRequest } | { type: 'cancel' };
export type LrFindMessage =
  | { type: 'progress'; progress: LrFindProgress }
  | { type: 'point'; step: number; point: LrPoint }
  | { type: 'done'; outcome: LrFindOutcome }
  | { type: 'error'; code: string; message: string };

/** Each measured point reaches `onPoint` (step 1, 2, 3 ...) before the progress of its step. */
export function runLrFindInWorker(
  request: LrFindRequest,
  onProgress: (p: LrFindProgress) => void,
  signal: AbortSignal,
  onPoint: (step: number, point: LrPoint) => void = () => {},
): Promise<LrFindOutcome> {
  const worker = startWorker(workerEntry('lrfind'));
  return new Promise<LrFindOutcome>((resolve, reject) => {
    const cancel = () => worker.postMessage({ type: 'cancel' } satisfies LrFindCommand);
    signal.addEventListener('abort', cancel, { once: true });
    const finish = () => {
      signal.removeEventListener('abort', cancel);
      void worker.terminate();
    };
    worker.on('message', (m: LrFindMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'point') onPoint(m.step, m.point);
      else if (m.type === 'done') {
        finish();
        resolve(m.outcome);
      } else {
        finish();
        reject(new LanglabError(m.code as ErrorCode, m.message));
      }
    });
    worker.on('error', (err) => {
      finish();
      reject(err);
    });
    worker.postMessage({ type: 'start', request } satisfies LrFindCommand);
  });
}
