const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNKNOWN_REQUEST',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'STORE_LOCKED',
  'STORE_NEWER',
  'STORE_CORRUPT',
  'STORE_READONLY',
  'PORT_BUSY',
  'CANCELLED',
  'BUSY',
  'TRAINING_FAILED',
  'NOT_AVAILABLE',
  'INTERNAL',
] as const;

/** Error codes that cross the bridge; the renderer shows `message` and may branch on `code`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

/** An error meant for a person: says what was wrong, with which file or value, and what to do. */
export class LanglabError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LanglabError';
    this.code = code;
  }
}

/** Turns anything thrown into the `{ code, message }` shape both transports send. */
export function toErrorPayload(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof LanglabError) return { code: err.code, message: err.message };
  // Layers that may not import this file (main/engine) mark their errors for a person with one of
  // these codes; a Node error's own code (ENOENT) is not one of them.
  if (err instanceof Error && isErrorCode((err as { code?: unknown }).code)) return { code: (err as unknown as { code: ErrorCode }).code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}
