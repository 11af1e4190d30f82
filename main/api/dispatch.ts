import type { Envelope, RequestArgs, RequestName, RequestResult } from '../../preload/contract.ts';
import { LanglabError, toErrorPayload } from '../errors.ts';
import { requestSchemas } from './schemas.ts';

/** The functions that fulfil the contract; the service object implements exactly this. */
export type Handlers = { [K in RequestName]: (args: RequestArgs<K>) => Promise<RequestResult<K>> };

/** Entry point shared by both transports: name and raw arguments in, an envelope out. */
export type Dispatch = (name: string, rawArgs: unknown) => Promise<Envelope<unknown>>;

function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requestSchemas, name);
}

/**
 * Checks the request name and validates the arguments before any handler runs; every failure,
 * from a malformed argument to a crash inside a handler, comes back as a clear error envelope.
 */
export function createDispatch(handlers: Handlers): Dispatch {
  return async (name, rawArgs) => {
    try {
      if (!isRequestName(name)) {
        throw new LanglabError('UNKNOWN_REQUEST', `Unknown request "${name}". The app and its window may be from different versions: restart Langlab.`);
      }
      const parsed = requestSchemas[name].safeParse(rawArgs ?? {});
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`).join('; ');
        throw new LanglabError('INVALID_ARGUMENT', `Invalid arguments for "${name}": ${detail}.`);
      }
      const handler = handlers[name] as (args: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toErrorPayload(err) };
    }
  };
}
