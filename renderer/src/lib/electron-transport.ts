import type { Bridge, IpcBridge } from '../../../preload/contract.ts';
import { unwrapEnvelope } from './bridge-error.ts';

/**
 * The desktop app's Bridge: the preload's requests resolve to envelopes (so the error code survives
 * Electron's contextBridge) and are unwrapped here into results or BridgeErrors.
 */
export function bridgeFromIpc(ipc: IpcBridge): Bridge {
  const request = new Proxy({} as Bridge['request'], {
    get: (_target, name) => async (args: unknown) => {
      const send = (ipc.request as Record<string, ((a: unknown) => Promise<unknown>) | undefined>)[String(name)];
      if (!send) return unwrapEnvelope(String(name), { ok: false, error: { code: 'UNKNOWN_REQUEST', message: `Unknown request "${String(name)}".` } });
      return unwrapEnvelope(String(name), await send(args ?? {}));
    },
  });
  return { transport: 'electron', request, events: ipc.events, pathOfDropped: (file) => ipc.pathOfDropped(file) || null };
}
