// The Electron transport's main side, registered in this one place: every contract request gets a
// handler that first checks who is asking, then hands the raw arguments to the backend's dispatch
// (which validates them with the zod schemas); every backend event is forwarded to the window.
import { EVENT_CHANNEL, REQUEST_CHANNEL_PREFIX, REQUEST_NAMES, type Envelope } from '../../preload/contract.ts';
import type { EventMessage } from '../../preload/event-message.ts';
import type { Dispatch } from '../api/dispatch.ts';
import type { EventSink } from '../api/events.ts';
import { isAppUrl } from './app-origin.ts';

/** The frame an IPC message came from (Electron's `WebFrameMain`). */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

/** The window's page: where requests must come from and where events go (Electron's `WebContents`). */
export interface WindowContentsLike {
  isDestroyed(): boolean;
  send(channel: string, message: EventMessage): void;
}

/** An `ipcMain.handle` event, reduced to what the sender check reads. */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

/** The parts of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, args: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Something events can be subscribed to (the backend's EventHub). */
export interface EventSource {
  subscribe(sink: EventSink): () => void;
}

/** What `registerIpc` wires together. */
export interface IpcWiring {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  events: EventSource;
  /** The main window's page, or undefined while there is none (macOS keeps running without windows). */
  contents: () => WindowContentsLike | undefined;
}

/**
 * Whether a request may reach the backend: it must come from our window's page, from its main
 * frame (not an iframe), and that frame must show the app's own app:// page.
 */
export function isTrustedSender(event: InvokeEventLike, contents: WindowContentsLike | undefined): boolean {
  const frame = event.senderFrame;
  if (!contents || contents.isDestroyed() || event.sender !== contents) return false;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

function refused(name: string): Envelope<never> {
  return {
    ok: false,
    error: { code: 'FORBIDDEN', message: `Request "${name}" was refused: it did not come from the Langlab window's own page.` },
  };
}

/** Registers one handler per contract request and forwards events; the returned function undoes both. */
export function registerIpc(wiring: IpcWiring): () => void {
  const channels = REQUEST_NAMES.map((name) => {
    const channel = REQUEST_CHANNEL_PREFIX + name;
    wiring.ipcMain.handle(channel, async (event, args) => {
      if (!isTrustedSender(event, wiring.contents())) return refused(name);
      return wiring.dispatch(name, args);
    });
    return channel;
  });
  const unsubscribe = wiring.events.subscribe((name, payload) => {
    const contents = wiring.contents();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, { name, payload } as EventMessage);
  });
  return () => {
    unsubscribe();
    for (const channel of channels) wiring.ipcMain.removeHandler(channel);
  };
}
