// The frozen-prefix cache of a fine-tuning run (`cache_frozen_layers`): the output of the frozen
// embeddings and lowest encoder layers for every training file, computed once before the first
// epoch (or the first time a batch meets a file) and read back by every epoch instead of being
// recomputed.
//
// runDir/prefix-cache/ holds
// - hidden.bin: one record per training file, its real tokens only ([tokens, hidden] in the cache's
//   dtype), at a fixed offset; padding rows are never stored, so a file's token count is its padding
//   mask (RoBERTa's tokenizer pads on the right);
// - records.bin: per file, a written flag and the CRC-32 of its record, written after the record;
// - manifest.json: the key (prefix fingerprint + every training file's token ids), dtype and sizes,
//   written last when the cache is created.
// The folder stays while the run can still train (a cancelled run resumes from it) and is deleted
// when training ends. A record is used only when its flag is set and its CRC matches; anything else (a crash between
// the two writes, a truncated file, a flipped bit) is recomputed. Another key (model, tokenizer,
// max_length, dataset or split changed) discards the whole cache. Node has no mmap: records are
// read with positional reads, so the OS page cache plays the memory map's part and the process
// holds only the batch it feeds.
// The prefix's session (its frozen weights, a few hundred MB for CodeBERTa) is held only while some
// record is still to be computed. The trainer fills the whole cache (fill()) before it makes its own
// sessions, so the prefix's weights and the training session's arena are never in memory together;
// the session is released once every file is cached, and created again from the prefix's `model()`
// only if a record later turns out damaged.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as ort from 'onnxruntime-node';
import type { ProviderName } from '../engine/runtime/providers.ts';
import { createSession } from '../engine/runtime/session.ts';
import { LanglabError } from '../errors.ts';
import { padBatch } from './batches.ts';
import { type FrozenPrefix, PREFIX_INPUT } from './frozen-prefix.ts';

const MANIFEST = 'manifest.json';
const HIDDEN = 'hidden.bin';
const RECORDS = 'records.bin';
/** Free space left beyond the cache itself, so a run does not fill the disk for its checkpoints. */
export const PREFIX_CACHE_HEADROOM_BYTES = 256 * 1024 * 1024;

interface Manifest {
  format: 1;
  key: string;
  dtype: FrozenPrefix['dtype'];
  hidden: number;
  files: number;
  bytes: number;
}

/** The cache folder of a run. */
export function prefixCacheDir(runDir: string): string {
  return path.join(runDir, 'prefix-cache');
}

/** Bytes the cache of these files takes on disk (records plus their flags). */
export function prefixCacheBytes(tokenCounts: readonly number[], hidden: number, dtype: FrozenPrefix['dtype']): number {
  const per = dtype === 'float16' ? 2 : 4;
  return tokenCounts.reduce((n, t) => n + t, 0) * hidden * per + tokenCounts.length * 8;
}

/** What opening the cache found, for the run's log. */
export interface PrefixCacheOpening {
  dir: string;
  bytes: number;
  /** Files whose record is already written (before CRC checks, which happen on read). */
  written: number;
  files: number;
  /** Why an existing cache was discarded, when it was. */
  discarded: string | null;
}

/** Reads and fills the cache; one per training session. */
export class PrefixCache {
  /** Records read from disk and records computed (first sight or repair) since opening. */
  readonly counts = { read: 0, computed: 0, damaged: 0 };
  private readonly per: number;
  /** Files whose record is not written yet; at 0 the prefix session is released. */
  private unwritten: number;

  private constructor(
    private readonly prefix: FrozenPrefix,
    private readonly files: readonly ArrayLike<number>[],
    private readonly padId: number,
    private readonly offsets: Float64Array,
    private readonly flags: Uint32Array,
    private readonly fdHidden: number,
    private readonly fdRecords: number,
    private session: ort.InferenceSession | null,
    private readonly sessionConfig: { provider: ProviderName; intraOpNumThreads: number },
    readonly opening: PrefixCacheOpening,
  ) {
    this.per = prefix.dtype === 'float16' ? 2 : 4;
    this.unwritten = opening.files - opening.written;
  }

  /** Whether the prefix's session (and so its frozen weights) is in memory now. */
  get holdsSession(): boolean {
    return this.session !== null;
  }

  /**
   * Opens runDir's cache for these training files (token ids in the order the loop indexes them),
   * creating it, or discarding one made for another model or other files. Refuses with
   * INVALID_ARGUMENT when the disk lacks room for it.
   */
  static async open(o: {
    runDir: string; prefix: FrozenPrefix; files: readonly ArrayLike<number>[]; padId: number; provider: ProviderName; threads: number;
  }): Promise<PrefixCache> {
    const dir = prefixCacheDir(o.runDir);
    const { prefix, files } = o;
    const key = cacheKey(prefix, files);
    const bytes = prefixCacheBytes(files.map((f) => f.length), prefix.hidden, prefix.dtype);
    const offsets = new Float64Array(files.length + 1);
    const per = prefix.dtype === 'float16' ? 2 : 4;
    for (let i = 0; i < files.length; i++) offsets[i + 1] = offsets[i] + files[i].length * prefix.hidden * per;

    let discarded: string | null = null;
    const manifestFile = path.join(dir, MANIFEST);
    let manifest: Manifest | null = null;
    if (fs.existsSync(manifestFile)) {
      try {
        manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
      } catch {
        discarded = `${manifestFile} is unreadable`;
      }
    } else if (fs.existsSync(dir)) {
      discarded = 'an earlier session stopped while creating it';
    }
    const sizeOk = (name: string, size: number) => {
      try {
        return fs.statSync(path.join(dir, name)).size === size;
      } catch {
        return false;
      }
    };
    if (manifest) {
      if (manifest.format !== 1 || manifest.key !== key) discarded = 'it was made for another model, tokenizer, max_length or set of training files';
      else if (!sizeOk(HIDDEN, offsets[files.length]) || !sizeOk(RECORDS, files.length * 8)) discarded = 'its files have the wrong size';
      if (discarded) manifest = null;
    }
    if (!manifest) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      // The record file is sized up front (sparse until written); the manifest comes last, so a
      // crash before it leaves a folder the next session discards.
      fs.closeSync(fs.openSync(path.join(dir, HIDDEN), 'w'));
      fs.truncateSync(path.join(dir, HIDDEN), offsets[files.length]);
      fs.writeFileSync(path.join(dir, RECORDS), new Uint8Array(files.length * 8));
      const m: Manifest = { format: 1, key, dtype: prefix.dtype, hidden: prefix.hidden, files: files.length, bytes };
      fs.writeFileSync(manifestFile, JSON.stringify(m, null, 1));
    }
    const flags = new Uint32Array(files.length * 2);
    const fdRecords = fs.openSync(path.join(dir, RECORDS), 'r+');
    fs.readSync(fdRecords, new Uint8Array(flags.buffer), 0, flags.byteLength, 0);
    const fdHidden = fs.openSync(path.join(dir, HIDDEN), 'r+');
    let written = 0;
    let toWrite = 0;
    for (let i = 0; i < files.length; i++) {
      if (flags[2 * i] === 1) written++;
      else toWrite += offsets[i + 1] - offsets[i];
    }
    try {
      // hidden.bin is sparse until written, so what the disk must still hold is the unwritten part.
      checkRoom(dir, toWrite, bytes);
    } catch (e) {
      fs.closeSync(fdHidden);
      fs.closeSync(fdRecords);
      throw e;
    }
    const sessionConfig = { provider: o.provider, intraOpNumThreads: o.threads };
    // The prefix session is made when a record is first computed (by fill(), or a batch that finds
    // one missing or damaged), so a complete cache (a resumed run after its first epoch) never loads it.
    return new PrefixCache(prefix, files, o.padId, offsets, flags, fdHidden, fdRecords, null, sessionConfig,
      { dir, bytes, written, files: files.length, discarded });
  }

  /**
   * The prefix output of these training files as one padded batch [rows, seq, hidden] (zeros on
   * padding rows, which the attention mask hides): cached records where valid, the rest computed now
   * with one run of the prefix graph and stored.
   */
  async batch(rows: readonly number[], seq: number): Promise<ort.Tensor> {
    const H = this.prefix.hidden;
    const rowElems = seq * H;
    const out = this.prefix.dtype === 'float16' ? new Uint16Array(rows.length * rowElems) : new Float32Array(rows.length * rowElems);
    const bytes = new Uint8Array(out.buffer);
    const missing: number[] = [];
    rows.forEach((file, r) => {
      if (this.flags[2 * file] !== 1) {
        missing.push(r);
        return;
      }
      const len = this.offsets[file + 1] - this.offsets[file];
      const into = bytes.subarray(r * rowElems * this.per, r * rowElems * this.per + len);
      const got = fs.readSync(this.fdHidden, into, 0, len, this.offsets[file]);
      if (got !== len || zlib.crc32(into) !== this.flags[2 * file + 1]) {
        this.counts.damaged++;
        into.fill(0);
        missing.push(r);
        return;
      }
      this.counts.read++;
    });
    if (missing.length > 0) await this.compute(missing.map((r) => rows[r]), (k, record) => bytes.set(record, missing[k] * rowElems * this.per));
    await this.releaseWhenComplete();
    return new ort.Tensor(this.prefix.dtype, out, [rows.length, seq, H]);
  }

  /**
   * Computes every record not written yet, shortest files first in batches of `batchSize` (so the
   * batches carry little padding), then releases the prefix session. The trainer calls it before it
   * creates the training and evaluation sessions, so the frozen weights of the prefix never sit in
   * memory beside theirs. Returns false when `signal` aborted it; what was written stays for a resume.
   */
  async fill(o: { batchSize: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<boolean> {
    const missing: number[] = [];
    for (let i = 0; i < this.files.length; i++) if (this.flags[2 * i] !== 1) missing.push(i);
    missing.sort((a, b) => this.files[a].length - this.files[b].length || a - b);
    const total = this.files.length;
    let done = total - missing.length;
    o.onProgress?.(done, total);
    for (let k = 0; k < missing.length; k += o.batchSize) {
      if (o.signal?.aborted) return false;
      const chunk = missing.slice(k, k + o.batchSize);
      await this.compute(chunk, () => undefined);
      done += chunk.length;
      o.onProgress?.(done, total);
    }
    await this.releaseWhenComplete();
    return true;
  }

  private async releaseWhenComplete(): Promise<void> {
    if (this.unwritten === 0 && this.session) {
      // Every file is cached: from now on the cache only reads, so the frozen weights leave memory.
      await this.session.release();
      this.session = null;
    }
  }

  /** Runs the prefix over these training files, stores each file's record and hands it to `place` with the file's index in `files`. */
  private async compute(files: readonly number[], place: (k: number, record: Uint8Array) => void): Promise<void> {
    const H = this.prefix.hidden;
    const { inputIds, attentionMask, seq } = padBatch(files.map((f) => this.files[f]), this.padId);
    this.session ??= (await createSession(this.prefix.model(), this.sessionConfig)).session;
    const res = await this.session.run({ input_ids: inputIds, attention_mask: attentionMask }, [PREFIX_INPUT]);
    const t = res[PREFIX_INPUT] as ort.Tensor;
    const data = t.data as Uint16Array | Float32Array;
    const got = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    files.forEach((file, k) => {
      const len = this.files[file].length * H * this.per;
      const record = got.subarray(k * seq * H * this.per, k * seq * H * this.per + len);
      fs.writeSync(this.fdHidden, record, 0, len, this.offsets[file]);
      const crc = zlib.crc32(record);
      // The flag is written after the record: a crash in between leaves a record that is recomputed.
      if (this.flags[2 * file] !== 1) this.unwritten--;
      this.flags[2 * file] = 1;
      this.flags[2 * file + 1] = crc;
      fs.writeSync(this.fdRecords, new Uint8Array(this.flags.buffer, file * 8, 8), 0, 8, file * 8);
      place(k, record);
      this.counts.computed++;
    });
    t.dispose?.();
  }

  private closed = false;

  /** Closes the files and the prefix session (once; later calls do nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fdHidden);
    fs.closeSync(this.fdRecords);
    await this.session?.release();
    this.session = null;
  }

  /** Closes and deletes the cache folder: once training is over nothing reads it again. */
  async remove(): Promise<void> {
    await this.close();
    fs.rmSync(this.opening.dir, { recursive: true, force: true });
  }
}

/** The prefix's fingerprint and every file's token ids: what the cached outputs depend on. */
function cacheKey(prefix: FrozenPrefix, files: readonly ArrayLike<number>[]): string {
  const h = createHash('sha256');
  h.update(`${prefix.fingerprint}\n${files.length}\n`);
  for (const f of files) {
    const ids = Int32Array.from(f as ArrayLike<number>);
    h.update(Uint32Array.of(ids.length));
    h.update(new Uint8Array(ids.buffer));
  }
  return h.digest('hex');
}

function checkRoom(dir: string, bytes: number, total: number): void {
  let free: number;
  try {
    const s = fs.statfsSync(dir);
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  if (free < bytes + PREFIX_CACHE_HEADROOM_BYTES) {
    throw new LanglabError('INVALID_ARGUMENT', `The frozen-layer cache needs ${formatBytes(bytes)} more${bytes < total ? ` (of ${formatBytes(total)})` : ''} (plus ${formatBytes(PREFIX_CACHE_HEADROOM_BYTES)} to spare) in ${dir}, ` +
      `but that disk has ${formatBytes(free)} free. Free some space, or turn off "Cache frozen layers" (cache_frozen_layers) to recompute them every epoch.`);
  }
}

/** 1.2 GB, 340 MB, 12 kB. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(0)} MB`;
  return `${Math.max(1, Math.round(n / 1e3))} kB`;
}
