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
