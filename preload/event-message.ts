import type { EventName, Events } from './contract.ts';

/** What main sends on EVENT_CHANNEL: one event, named, with its payload. Shared by ipc.ts and the preload. */
export type EventMessage = { [K in EventName]: { name: K; payload: Events[K] } }[EventName];
