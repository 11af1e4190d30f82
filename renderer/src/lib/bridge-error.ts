import type { Envelope } from '../../../preload/contract.ts';

/** A failed request, with the service's error code and its person-readable message. */
export class BridgeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
  }
}

/** The message to show for anything a request threw. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Unwraps a request's envelope into its result, or throws its error with code and message. */
export function unwrapEnvelope(name: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || typeof (value as { ok?: unknown }).ok !== 'boolean') {
    throw new BridgeError('INTERNAL', `Request "${name}" got a malformed answer from the app.`);
  }
  const envelope = value as Envelope<unknown>;
  if (envelope.ok) return envelope.result;
  throw new BridgeError(envelope.error.code, envelope.error.message);
}
