// The engine side of the protocol: waits for a start message, calls train() with a sink that
// forwards every call to the main thread, and aborts the signal when a cancel arrives. Works in a
// worker thread (parentPort) and in an Electron utilityProcess (process.parentPort).

import os from 'node:os';
import { isMainThread, parentPort } from 'node:worker_threads';
import type { FromEngine, ToEngine, TrainFn, TrainSink } from './protocol.ts';

interface Channel {
  post(message: FromEngine): void;
  listen(listener: (message: ToEngine) => void): void;
}

/** Electron's process.parentPort: messages arrive wrapped as { data }. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

function channel(): Channel {
  if (parentPort) {
    const port = parentPort;
    return { post: (m) => port.postMessage(m), listen: (l) => port.on('message', (m: ToEngine) => l(m)) };
  }
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return { post: (m) => electronPort.postMessage(m), listen: (l) => electronPort.on('message', (e) => l(e.data as ToEngine)) };
  }
  throw new Error('The engine entry must run in a worker thread or an Electron utility process.');
}

/**
 * Gives the engine a lower CPU priority than the app's main thread, so the window (or the browser
 * mode's server) stays responsive while every core trains. Threads onnxruntime creates later
 * inherit it. In a worker thread only Linux can do this per thread (elsewhere it would lower the
 * whole app); a utility process is its own process everywhere.
 */
function lowerPriority(): void {
  if (!isMainThread && process.platform !== 'linux') return;
  try {
    os.setPriority(0, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not permitted here (some containers): train at normal priority.
  }
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'TRAINING_FAILED';
}

/** Serves one training run with `train`; the host ends the process once it has the result. */
export function serveEngine(train: TrainFn): void {
  const ch = channel();
  lowerPriority();
  const controller = new AbortController();
  let started = false;
  ch.listen((message) => {
    if (message.type === 'cancel') {
      controller.abort();
      return;
    }
    if (started) return;
    started = true;
    const sink: TrainSink = {
      progress: (progress) => ch.post({ type: 'progress', progress }),
      metrics: (points) => ch.post({ type: 'metrics', points }),
      log: (level, msg) => ch.post({ type: 'log', level, message: msg }),
      device: (provider, fallbackReason) => ch.post({ type: 'device', provider, fallbackReason }),
    };
    train(message.request, sink, controller.signal).then(
      (outcome) => ch.post({ type: 'done', outcome }),
      (err: unknown) => ch.post({ type: 'failed', code: errorCode(err), message: err instanceof Error ? err.message : String(err) }),
    );
  });
}
