// The worker thread a learning-rate range test runs in (session.run blocks its thread): it gets
// one request, posts progress and the outcome, and stops early when asked to cancel.
import { parentPort } from 'node:worker_threads';
import { LanglabError } from '../../errors.ts';
import { lrFind } from '../lr-find.ts';
import type { LrFindMessage, LrFindCommand } from './lr-finder.ts';

const controller = new AbortController();
const post = (m: LrFindMessage) => parentPort!.postMessage(m);

parentPort!.on('message', (cmd: LrFindCommand) => {
  if (cmd.type === 'cancel') {
    controller.abort();
    return;
  }
  lrFind(cmd.request, (p) => post({ type: 'progress', progress: p }), controller.signal, (step, point) => post({ type: 'point', step, point })).then(
    (outcome) => post({ type: 'done', outcome }),
    (err: unknown) => post({ type: 'error', code: err instanceof LanglabError ? err.code : 'TRAINING_FAILED', message: err instanceof Error ? err.message : String(err) }),
  );
});
