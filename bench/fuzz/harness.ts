// The fuzzer's bookkeeping: a case is one malformed input with what a clear answer to it must
// mention; running it records whether the answer was a clear error, an unclear one, a crash (an
// uncaught exception, an unhandled rejection, or the server process gone) or a hang (no answer in
// the time limit).

/** The answer an input got: an error with a code and a message, or an acceptance. */
export type Answer =
  | { kind: 'error'; code: string; message: string }
  | { kind: 'accepted'; detail: string }
  | { kind: 'crash'; detail: string };

export type Verdict = 'clear' | 'unclear' | 'crash' | 'hang';

/** One malformed input. */
export interface FuzzCase {
  category: string;
  name: string;
  /** A clear error's message contains one of these (case-insensitive): the value, field or file at fault. */
  mentions: string[];
  /** Some inputs are not errors (a CSV with a BOM): the case says whether this acceptance is right. */
  acceptable?: (detail: string) => boolean;
  run(): Promise<Answer>;
}

export interface CaseResult {
  category: string;
  name: string;
  verdict: Verdict;
  detail: string;
}

/** The codes main/errors.ts defines, less INTERNAL: an error with one of them was meant for a person. */
export const PERSON_CODES = new Set([
  'INVALID_ARGUMENT', 'UNKNOWN_REQUEST', 'NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'STORE_LOCKED', 'STORE_NEWER',
  'STORE_CORRUPT', 'STORE_READONLY', 'PORT_BUSY', 'CANCELLED', 'BUSY', 'TRAINING_FAILED', 'NOT_AVAILABLE',
]);

/** A small seeded generator (mulberry32), so `--seed N` replays the same inputs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

// An uncaught exception or unhandled rejection while a case runs is that case's crash; the bench
// keeps running so that one crash does not hide the others.
let stray: string[] = [];
process.on('uncaughtException', (err) => stray.push(`uncaught exception: ${err.message}`));
process.on('unhandledRejection', (err) => stray.push(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`));

function judge(c: FuzzCase, answer: Answer): { verdict: Verdict; detail: string } {
  if (answer.kind === 'crash') return { verdict: 'crash', detail: answer.detail };
  if (answer.kind === 'accepted') {
    return c.acceptable?.(answer.detail) ? { verdict: 'clear', detail: `accepted: ${answer.detail}` } : { verdict: 'unclear', detail: `accepted a malformed input: ${answer.detail}` };
  }
  const text = answer.message.toLowerCase();
  // NOT_AVAILABLE says a capability is absent here (no save dialog in browser mode), whatever the value.
  const named = c.mentions.length === 0 || answer.code === 'NOT_AVAILABLE' || c.mentions.some((m) => text.includes(m.toLowerCase()));
  const detail = `${answer.code}: ${answer.message.slice(0, 300)}`;
  return { verdict: PERSON_CODES.has(answer.code) && named ? 'clear' : 'unclear', detail };
}

/** Runs one case under the hang limit and judges its answer. */
export async function runCase(c: FuzzCase, hangMs: number): Promise<CaseResult> {
  stray = [];
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), hangMs);
  });
  let outcome: { verdict: Verdict; detail: string };
  try {
    const answer = await Promise.race([c.run(), hang]);
    outcome = answer === 'hang' ? { verdict: 'hang', detail: `no answer in ${hangMs / 1000} s` } : judge(c, answer);
  } catch (err) {
    // The fuzzer's own call threw: the product let a raw exception escape its error handling.
    outcome = { verdict: 'unclear', detail: `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 300) };
  } finally {
    clearTimeout(timer);
  }
  // Let a rejection the case left behind surface before it is attributed.
  await new Promise((resolve) => setImmediate(resolve));
  if (stray.length) outcome = { verdict: 'crash', detail: stray.join('; ') };
  return { category: c.category, name: c.name, ...outcome };
}

/** A thrown error as an answer: a LanglabError-style one keeps its code, anything else is INTERNAL. */
export function errorAnswer(err: unknown): Answer {
  const code = typeof (err as { code?: unknown })?.code === 'string' && PERSON_CODES.has((err as { code: string }).code) ? (err as { code: string }).code : 'INTERNAL';
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'error', code, message };
}
