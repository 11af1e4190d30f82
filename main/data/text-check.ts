import type { SkipReason } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decides whether file bytes can be a training example: not empty (or whitespace only), no NUL
 * byte, valid UTF-8. Returns the decoded text or the reason to skip.
 */
export function decodeText(bytes: Uint8Array): { text: string } | { skip: SkipReason } {
  if (bytes.length === 0) return { skip: 'empty' };
  if (bytes.indexOf(0) !== -1) return { skip: 'nul-byte' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { skip: 'not-utf8' };
  }
  if (text.trim().length === 0) return { skip: 'empty' };
  return { text };
}
