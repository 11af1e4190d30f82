import type { Bridge, IpcBridge } from '../../../preload/contract.ts';
import { createBrowserBridge } from './browser-transport.ts';
import { bridgeFromIpc } from './electron-transport.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    langlabIpc?: IpcBridge;
  }
}

/** The bridge for this window: Electron's preload when present, else HTTP/WebSocket on loopback. */
export const bridge: Bridge = window.langlabIpc ? bridgeFromIpc(window.langlabIpc) : createBrowserBridge(window.location);
