// Builds the object the preload exposes on top of Electron IPC. Kept apart from preload.ts (which only
// exposes it) so tests can build the very same object from a fake ipcRenderer.
import {
  EVENT_CHANNEL,
  EVENT_NAMES,
  REQUEST_CHANNEL_PREFIX,
  REQUEST_NAMES,
  type IpcBridge,
  type EventName,
  type Events,
} from './contract.ts';
import type { EventMessage } from './event-message.ts';

/** The two ipcRenderer functions the bridge uses; the real ipcRenderer never leaves the preload. */
export interface IpcRendererLike {
  invoke(channel: string, args: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

function isEventMessage(value: unknown): value is EventMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    (EVENT_NAMES as string[]).includes((value as { name: string }).name)
  );
}

/**
 * The Electron transport's preload side: one named function per contract request (resolving to the
 * main process's envelope, unwrapped in the renderer) and per event stream. A single IPC listener fans events out to subscribers; each subscription returns its
 * unsubscribe function.
 */
export function createIpcBridge(ipc: IpcRendererLike, pathForFile: (file: unknown) => string = () => ''): IpcBridge {
  const listeners = new Map<EventName, Set<(payload: never) => void>>(EVENT_NAMES.map((name) => [name, new Set()]));
  ipc.on(EVENT_CHANNEL, (_event, message) => {
    if (!isEventMessage(message)) return;
    for (const listener of [...(listeners.get(message.name) ?? [])]) {
      try {
        (listener as (payload: unknown) => void)(message.payload);
      } catch (err) {
        // A throwing subscriber must not stop the others hearing the event.
        console.error(`langlab: a "${message.name}" listener failed:`, err);
      }
    }
  });

  const request = Object.fromEntries(
    REQUEST_NAMES.map((name) => [
      name,
      async (args: unknown) => ipc.invoke(REQUEST_CHANNEL_PREFIX + name, args ?? {}),
    ]),
  ) as IpcBridge['request'];

  const events = Object.fromEntries(
    EVENT_NAMES.map((name) => [
      name,
      <K extends EventName>(listener: (payload: Events[K]) => void) => {
        const set = listeners.get(name)!;
        // Wrapped so the same function subscribed twice gets two independent subscriptions.
        const entry = (payload: never) => listener(payload);
        set.add(entry);
        return () => {
          set.delete(entry);
        };
      },
    ]),
  ) as IpcBridge['events'];

  // Only the path of a File the user dropped is answered; anything else is ''.
  const pathOfDropped = (file: unknown): string => {
    try {
      return pathForFile(file);
    } catch {
      return '';
    }
  };

  return Object.freeze({ transport: 'electron' as const, request: Object.freeze(request), events: Object.freeze(events), pathOfDropped });
}
