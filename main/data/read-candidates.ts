import { promises as fsp } from 'node:fs';
import { sha256Hex } from './fingerprint.ts';
import { minhashSignature } from './near-duplicates.ts';
import { displayPath, isUtf8Name } from './path-bytes.ts';
import { mapBounded } from './pool.ts';
import type { ProgressReporter } from './progress.ts';
import type { SkipLog } from './skip-log.ts';
import { decodeText } from './text-check.ts';
import type { SkipReason } from './types.ts';
import type { Candidate } from './assemble.ts';
import type { WalkEntry } from './walk.ts';

/** An extra check on the decoded text and the label it is to get (the repository build adds minified/generated tests). */
export type ContentCheck = (bytes: Buffer, text: string, rel: string, label: string) => SkipReason | null;

export interface ReadContext {
  skips: SkipLog;
  progress: ProgressReporter;
  concurrency: number;
  /** Signatures are computed while the text is in memory, saving a second read. */
  withSignature: boolean;
  check?: ContentCheck;
  /** Runs on the raw bytes before decoding (the binary test). */
  checkBytes?: (bytes: Buffer) => Promise<SkipReason | null>;
}

/** A file the walk found, with the label and root it belongs to. */
export interface Located {
  entry: WalkEntry;
  root: number;
  label: string;
  /** The project the file belongs to, when the input names one. */
  project?: string | null;
}

/**
 * Reads a batch of files with bounded concurrency and turns each into a candidate or a counted
 * skip. Only one batch of contents is alive at a time, so memory stays bounded on huge folders.
 */
export async function readCandidates(batch: readonly Located[], ctx: ReadContext): Promise<Candidate[]> {
  const results = await mapBounded(batch, ctx.concurrency, async (item) => readOne(item, ctx));
  return results.filter((c): c is Candidate => c !== null);
}

async function readOne({ entry, root, label, project }: Located, ctx: ReadContext): Promise<Candidate | null> {
  const path = displayPath(entry.rel);
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(entry.abs);
  } catch {
    ctx.skips.add('unreadable', path);
    return null;
  }
  ctx.progress.file(bytes.length, path);
  const early = ctx.checkBytes ? await ctx.checkBytes(bytes) : null;
  if (early) {
    ctx.skips.add(early, path);
    return null;
  }
  const decoded = decodeText(bytes);
  if ('skip' in decoded) {
    ctx.skips.add(decoded.skip, path);
    return null;
  }
  const late = ctx.check ? ctx.check(bytes, decoded.text, path, label) : null;
  if (late) {
    ctx.skips.add(late, path);
    return null;
  }
  const candidate: Candidate = { root, path, label, size: bytes.length, sha256: sha256Hex(bytes), project: project ?? null };
  if (!isUtf8Name(entry.rel)) candidate.pathBytes = new Uint8Array(entry.rel);
  if (ctx.withSignature) candidate.signature = minhashSignature(decoded.text);
  return candidate;
}

