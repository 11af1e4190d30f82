// Calls a backend's dispatch the way a transport does and unwraps the envelope, so API tests read
// as requests and answers.
import assert from 'node:assert/strict';
import type { Envelope } from '../../preload/contract.ts';
import type { Backend } from '../../main/api/backend.ts';

/** The result of a request that must succeed; a failure fails the test with its code and message. */
export async function ok<T>(b: Backend, name: string, args: unknown): Promise<T> {
  const answer = (await b.dispatch(name, args)) as Envelope<T>;
  if (!answer.ok) assert.fail(`${name} failed: ${answer.error.code} ${answer.error.message}`);
  return answer.result;
}

/** The error of a request that must fail. */
export async function failure(b: Backend, name: string, args: unknown): Promise<{ code: string; message: string }> {
  const answer = await b.dispatch(name, args);
  assert.equal(answer.ok, false, `${name} should have failed`);
  return answer.ok ? { code: '', message: '' } : answer.error;
}
