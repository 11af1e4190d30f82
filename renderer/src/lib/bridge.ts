import type { Bridge } from '../../../preload/contract.ts';
import { createBrowserBridge } from './browser-transport.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    langlab?: Bridge;
  }
}

/** The bridge for this window: Electron's preload when present, else HTTP/WebSocket on loopback. */
export const bridge: Bridge = window.langlab ?? createBrowserBridge(window.location);
