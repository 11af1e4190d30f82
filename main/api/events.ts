import type { EventName, Events } from '../../preload/contract.ts';
import type { BridgeEvents } from '../jobs/bridge-events.ts';

/** A listener that receives every event; transports forward what they get to their clients. */
export type EventSink = <K extends EventName>(name: K, payload: Events[K]) => void;

/** Fans events out from the service to every connected transport (IPC window, WebSockets). */
export class EventHub implements BridgeEvents {
  readonly #sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  emit<K extends EventName>(name: K, payload: Events[K]): void {
    for (const sink of this.#sinks) {
      try {
        sink(name, payload);
      } catch {
        // One broken client (a closed socket) must not stop the others from hearing the event.
      }
    }
  }
}
