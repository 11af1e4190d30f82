// How an epoch is cut into batches: shuffled with the run's seeded generator, then bucketed by
// length inside pools of 50 batches, each batch padded only to its own longest file. Padding every
// batch to max_length would spend most of a step on padding when files are short; bucketing inside
// a shuffled pool keeps batches of similar length while the order across the epoch stays random.
import * as ort from 'onnxruntime-node';
import { seededRandom, subSeed } from '../data/rng.ts';
import { PROFILE_INPUT } from '../engine/export/manifest.ts';
import { type FileProfile, profileMatrix } from '../engine/tokenize/file-profile.ts';
import type { MaskGenerator } from '../engine/optim/dropout-mask.ts';

/** Batches per length-sorted pool: large enough to group lengths, small enough to stay random. */
export const POOL_BATCHES = 50;

/** Fisher-Yates with the seeded generator (the same draws for the same generator state). */
export function shuffleInPlace<T>(xs: T[], rng: MaskGenerator): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

/**
 * One epoch's batches (positions into `lengths`): a seeded permutation, cut into pools of
 * `batchSize * POOL_BATCHES`, each pool sorted by length and cut into batches, then the batch
 * order shuffled. Only the last batch of the epoch can be smaller than `batchSize`. `draws` (from
 * `projectBalancedDraws`) replaces the positions 0..n-1 with an epoch's drawn positions.
 */
export function epochBatches(lengths: readonly number[], batchSize: number, rng: MaskGenerator, draws?: readonly number[]): number[][] {
  const order = shuffleInPlace(draws ? [...draws] : [...lengths.keys()], rng);
  const pool = batchSize * POOL_BATCHES;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += pool) {
    const chunk = order.slice(start, start + pool);
    // Stable on ties, so the result depends only on the permutation.
    chunk.sort((a, b) => lengths[a] - lengths[b]);
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(chunk.slice(b, b + batchSize));
  }
  // The smaller remainder batch stays last, so every optimizer step but the last sees a full batch.
  const last = batches.length > 0 && batches[batches.length - 1].length < batchSize ? batches.pop()! : null;
  shuffleInPlace(batches, rng);
  if (last) batches.push(last);
  return batches;
}

/**
 * One epoch's training positions drawn with each project's weight tempered (`project_balance` a): a
 * file of a project holding n of its class's training files weighs n^-a, so at 0 every file counts
 * alike (each position once, as without it), at 1 every project of a class counts alike, and
 * between them a large project weighs less than its size. Each class keeps its number of draws (so
 * the classes' shares and the epoch's length stay as they were); within a class the draws are
 * spread by systematic sampling from one random offset, so a file expected w times is drawn
 * floor(w) or ceil(w) times (a file in a small project may be drawn twice, one in a large project
 * may wait an epoch). A class's files without a project count as one project. The draws depend only
 * on the generator's state, so a resumed run draws the same epoch.
 */
export function projectBalancedDraws(labels: readonly number[], projects: readonly (string | undefined)[], balance: number, rng: MaskGenerator): number[] {
  if (balance <= 0) return [...labels.keys()];
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const draws: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    // The files without a project recorded count as one more project of their class.
    const projectOf = (i: number) => (projects[i] === undefined ? '\u0000' : `=${projects[i]}`);
    const sizes = new Map<string, number>();
    for (const i of members) sizes.set(projectOf(i), (sizes.get(projectOf(i)) ?? 0) + 1);
    const weights = members.map((i) => Math.pow(sizes.get(projectOf(i))!, -balance));
    const total = weights.reduce((a, b) => a + b, 0);
    const scale = members.length / total;
    let next = rng.next();
    let cumulative = 0;
    members.forEach((i, k) => {
      // The last file closes the class at exactly its count, whatever the rounding on the way.
      cumulative = k === members.length - 1 ? members.length : cumulative + weights[k] * scale;
      for (; next < cumulative; next += 1) draws.push(i);
    });
  }
  return draws;
}

/** Evaluation batches: sorted by length (least padding), in a fixed order. */
export function sortedBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = [...lengths.keys()].sort((a, b) => lengths[a] - lengths[b] || a - b);
  const out: number[][] = [];
  for (let b = 0; b < order.length; b += batchSize) out.push(order.slice(b, b + batchSize));
  return out;
}

/**
 * The seed of one training draw's augmentation (`kind`: its window, case, indentation or snippet):
 * the run's seed, the epoch, the file and how many times the epoch drew that file before
 * (`repeat`, from `earlierDraws`; above 0 only under `project_balance`). A first draw keeps the key
 * it had before repeats were counted, so runs that draw each file once draw what they drew.
 */
function drawSeed(seed: number, kind: string, epoch: number, fileIndex: number, repeat: number): number {
  return subSeed(seed, `${kind}\u0000${epoch}\u0000${fileIndex}${repeat > 0 ? `\u0000${repeat}` : ''}`);
}

/**
 * For each position of each batch, how many times the epoch drew its file in the batches before
 * it (and earlier in the same batch): 0 for every position of an epoch that draws each file once.
 * A file of a small project that `projectBalancedDraws` draws twice gets a second window and case
 * of its own, not the first one again.
 */
export function earlierDraws(batches: readonly (readonly number[])[]): number[][] {
  const seen = new Map<number, number>();
  return batches.map((batch) => batch.map((i) => {
    const before = seen.get(i) ?? 0;
    seen.set(i, before + 1);
    return before;
  }));
}

/**
 * A training view of a long file, drawn anew each epoch (`random_windows`): like the head and tail
 * that inference reads, two half-windows, but each is at its end of the file only half of the time
 * and elsewhere otherwise, so the model meets more of every file and leans less on the phrases that
 * happen to open and close the files of its training projects. The draw depends only on the seed,
 * the epoch, the file and its draw (`drawSeed`), so a resumed run draws the same windows.
 */
export function randomWindow(source: Int32Array, keep: number, seed: number, epoch: number, fileIndex: number, repeat = 0): Int32Array {
  const n = source.length;
  if (n <= keep) return source;
  const random = seededRandom(drawSeed(seed, 'window', epoch, fileIndex, repeat));
  const first = Math.ceil(keep / 2);
  const second = keep - first;
  const headStart = random() < 0.5 ? 0 : Math.floor(random() * (n - keep + 1));
  const lowest = headStart + first;
  const tailStart = random() < 0.5 ? n - second : lowest + Math.floor(random() * (n - second - lowest + 1));
  const out = new Int32Array(keep);
  out.set(source.subarray(headStart, headStart + first));
  out.set(source.subarray(tailStart, tailStart + second), first);
  return out;
}

/**
 * A training row of byte ids with A-Z folded to a-z, for `share` of the rows (`lowercase_share`),
 * else the row itself. SQL, among others, is written in either case; a model that met only one (the
 * upper-case keywords of most SQL sources) reads the other as some other language. The draw depends
 * only on the seed, the epoch, the file and its draw (`drawSeed`), so a resumed run folds the same
 * rows.
 */
export function lowercaseSome(ids: Int32Array, share: number, seed: number, epoch: number, fileIndex: number, repeat = 0): Int32Array {
  if (share <= 0 || seededRandom(drawSeed(seed, 'lowercase', epoch, fileIndex, repeat))() >= share) return ids;
  const out = Int32Array.from(ids);
  for (let i = 0; i < out.length; i++) if (out[i] >= 65 && out[i] <= 90) out[i] += 32;
  return out;
}

/** Spaces one tab becomes when `reindentSome` turns tabs into spaces: each width as likely. */
export const REINDENT_WIDTHS = [2, 4, 8] as const;

/**
 * For `share` of the training rows (`reindent_share`), the row with its indentation written the
 * other way: lines that open with tabs get 2, 4 or 8 spaces for each of them, and lines that open
 * with spaces get a tab for each step of the row's indentation (the fewest spaces any of its lines
 * opens with, 2 to 8) and keep the spaces left over. Which of the two a row gets is what most of
 * its indented lines open with. Indentation is a project's habit, not its language's: the Groovy of
 * one project is indented with tabs, that of most others with spaces, and a model that met tabs
 * only in Go, C and a few more reads tab-indented Groovy as one of those. A line start is the row's
 * first byte and every byte after a newline (10). A row that grows is cut to `keep` ids; one with
 * no indented line, or indented by single spaces, is returned as it is. The draw depends only on
 * the seed, the epoch, the file and its draw (`drawSeed`), so a resumed run rewrites the same rows.
 */
export function reindentSome(ids: Int32Array, keep: number, share: number, seed: number, epoch: number, fileIndex: number, repeat = 0): Int32Array {
  if (share <= 0) return ids;
  const random = seededRandom(drawSeed(seed, 'reindent', epoch, fileIndex, repeat));
  if (random() >= share) return ids;
  const atLineStart = (i: number) => i === 0 || ids[i - 1] === 10;
  let tabLines = 0;
  let spaceLines = 0;
  let step = Infinity;
  for (let i = 0; i < ids.length; i++) {
    if (!atLineStart(i)) continue;
    if (ids[i] === 9) tabLines++;
    else if (ids[i] === 32) {
      let n = 0;
      while (i + n < ids.length && ids[i + n] === 32) n++;
      // A line of spaces alone says nothing of the indentation.
      if (i + n < ids.length && ids[i + n] !== 10 && ids[i + n] !== 13) {
        spaceLines++;
        step = Math.min(step, n);
      }
    }
  }
  if (tabLines === 0 && spaceLines === 0) return ids;
  const out: number[] = [];
  if (tabLines >= spaceLines) {
    const width = REINDENT_WIDTHS[Math.floor(random() * REINDENT_WIDTHS.length)];
    for (let i = 0; i < ids.length && out.length < keep; i++) {
      if (atLineStart(i)) {
        let n = 0;
        while (i + n < ids.length && ids[i + n] === 9) n++;
        for (let k = 0; k < n * width; k++) out.push(32);
        i += n;
      }
      if (i < ids.length) out.push(ids[i]);
    }
    return Int32Array.from(out.slice(0, keep));
  }
  if (step < 2) return ids;
  step = Math.min(step, 8);
  for (let i = 0; i < ids.length; i++) {
    if (atLineStart(i)) {
      let n = 0;
      while (i + n < ids.length && ids[i + n] === 32) n++;
      for (let k = 0; k < Math.floor(n / step); k++) out.push(9);
      for (let k = 0; k < n % step; k++) out.push(32);
      i += n;
    }
    if (i < ids.length) out.push(ids[i]);
  }
  return Int32Array.from(out);
}

/** The most lines a training snippet (`snippet_share`) keeps. */
export const SNIPPET_MAX_LINES = 8;

/**
 * For `share` of the training rows (`snippet_share`), a few whole lines of the file instead of its
 * window: 1 to SNIPPET_MAX_LINES consecutive lines (each count as likely), starting at a line with
 * something on it, at most `keep` bytes. Real folders hold one-line settings files, two-line
 * scripts and one-import modules; a model that met only full windows reads them by whatever their
 * few bytes resemble most in the long files of other languages. `ids` is the file as the trainer
 * holds it (its window source, or its whole window when it is short); a file of one line is its own
 * snippet. The draw depends only on the seed, the epoch, the file and its draw (`drawSeed`), so a
 * resumed run cuts the same.
 */
export function snippetSome(ids: Int32Array, keep: number, share: number, seed: number, epoch: number, fileIndex: number, repeat = 0): Int32Array {
  if (share <= 0) return ids;
  const random = seededRandom(drawSeed(seed, 'snippet', epoch, fileIndex, repeat));
  if (random() >= share) return ids;
  // Line starts, and which lines hold more than white space.
  const starts = [0];
  for (let i = 0; i < ids.length - 1; i++) if (ids[i] === 10) starts.push(i + 1);
  const lines = starts.length;
  if (lines < 2) return ids;
  const end = (line: number) => (line + 1 < lines ? starts[line + 1] : ids.length);
  const filled: number[] = [];
  for (let l = 0; l < lines; l++) {
    for (let i = starts[l]; i < end(l); i++) {
      const b = ids[i];
      if (b !== 32 && b !== 9 && b !== 10 && b !== 13) { filled.push(l); break; }
    }
  }
  if (filled.length === 0) return ids;
  const count = 1 + Math.floor(random() * Math.min(SNIPPET_MAX_LINES, lines));
  const first = filled[Math.floor(random() * filled.length)];
  const last = Math.min(lines - 1, first + count - 1);
  const from = starts[first];
  return ids.slice(from, Math.min(end(last), from + keep));
}

/** int64 input_ids and attention_mask [rows, longest row], padded with `padId`. */
export function padBatch(rows: readonly ArrayLike<number>[], padId: number): { inputIds: ort.Tensor; attentionMask: ort.Tensor; seq: number } {
  const seq = Math.max(1, ...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.length; t++) {
      ids[b * seq + t] = BigInt(r[t]);
      mask[b * seq + t] = 1n;
    }
  });
  const dims = [rows.length, seq];
  return { inputIds: new ort.Tensor('int64', ids, dims), attentionMask: new ort.Tensor('int64', mask, dims), seq };
}

/** int64 labels [rows]. */
export function labelTensor(labels: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(labels, (l) => BigInt(l)), [labels.length]);
}

/**
 * The `file_profile` input of a batch's rows [rows, buckets] when the model reads profiles
 * (`buckets` above 0); nothing otherwise. Every row must carry its profile.
 */
export function profileFeeds(rows: readonly { path: string; profile?: FileProfile }[], buckets: number): Record<string, ort.Tensor> {
  if (buckets === 0) return {};
  const profiles = rows.map((r) => {
    if (!r.profile) throw new Error(`${r.path} has no file profile, but the model reads one`);
    return r.profile;
  });
  return { [PROFILE_INPUT]: new ort.Tensor('float32', profileMatrix(profiles, buckets), [rows.length, buckets]) };
}
