import type { Bridge, Envelope, EventName, Events } from '../../../preload/contract.ts';
import { BridgeError, unwrapEnvelope } from './bridge-error.ts';

const TOKEN_KEY = 'langlab.token';

/**
 * Browser mode's side of the contract: requests as POST /api/<name>, events over one WebSocket
 * that reconnects after the server restarts. The token comes from the URL the server printed and
 * is kept in sessionStorage, then dropped from the address bar.
 */
export function createBrowserBridge(location: Location): Bridge {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';

  async function call(name: string, args: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(args ?? {}),
      });
    } catch {
      throw new BridgeError('OFFLINE', 'Cannot reach the Langlab server. Is `npm run serve` still running?');
    }
    const envelope = (await response.json().catch(() => null)) as Envelope<unknown> | null;
    if (!envelope) throw new BridgeError('INTERNAL', `The server answered ${response.status} without a result.`);
    return unwrapEnvelope(name, envelope);
  }

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retry = 500;
  function connect() {
    const wsUrl = new URL('events', location.href);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.search = `?token=${encodeURIComponent(token)}`;
    socket = new WebSocket(wsUrl);
    socket.onopen = () => (retry = 500);
    socket.onmessage = (message) => {
      const { event, payload } = JSON.parse(String(message.data)) as { event: string; payload: unknown };
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
    socket.onclose = () => {
      socket = undefined;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  }
  connect();

  const request = new Proxy({} as Bridge['request'], {
    get: (_target, name) => (args: unknown) => call(String(name), args),
  });
  const events = new Proxy({} as Bridge['events'], {
    get:
      (_target, name) =>
      <K extends EventName>(listener: (payload: Events[K]) => void) => {
        const key = String(name);
        const set = listeners.get(key) ?? new Set();
        listeners.set(key, set);
        const wrapped = listener as (payload: unknown) => void;
        set.add(wrapped);
        return () => set.delete(wrapped);
      },
  });
  // A browser never tells a page where a dropped file lives.
  return { transport: 'browser', request, events, pathOfDropped: () => null } satisfies Bridge;
}

