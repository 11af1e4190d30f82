import path from 'node:path';
import { isBinaryFile } from 'isbinaryfile';
import { LanglabError } from '../errors.ts';
import { assembleDataset, type Candidate } from './assemble.ts';
import { DEFAULT_MAX_BYTES } from './from-folder.ts';
import { GitignoreSet } from './gitignore.ts';
import { requirePath } from './input-path.ts';
import { isLinguistLanguage, languageByContent, languageForFileName } from './linguist.ts';
import { hasCode } from './no-code.ts';
import { displayPath } from './path-bytes.ts';
import { ProgressReporter } from './progress.ts';
import { readCandidates, type Located } from './read-candidates.ts';
import { contentVerdict, fileNameVerdict, repositoryFolderCheck } from './repo-filters.ts';
import { seededRandom, shuffle, subSeed } from './rng.ts';
import { SkipLog } from './skip-log.ts';
import { DEFAULT_SEED } from './split.ts';
import type { CommonOptions, DatasetResult } from './types.ts';
import { inode, walkFiles, type WalkEntry } from './walk.ts';
import { promises as fsp } from 'node:fs';

export interface RepositoryOptions extends CommonOptions {
  /** Keep only the N languages with the most files (default: all that reach `minFiles`). */
  top?: number;
  /** A language needs at least this many usable files to be kept (default 10). */
  minFiles?: number;
  /** At most this many files per language, sampled round-robin over projects (default 1000). */
  cap?: number;
  /** Files larger than this are skipped as 'oversize' (default 1 MB). */
  maxBytes?: number;
  /** Extension ('.h') or file name to a Linguist language name, or null to leave it out. */
  overrides?: Record<string, string | null>;
  /** Keep exactly these Linguist languages (still subject to `minFiles`). */
  languages?: string[];
}

export const DEFAULT_MIN_FILES = 10;
export const DEFAULT_CAP = 1000;

interface Found {
  entry: WalkEntry;
  root: number;
  language: string;
  project: string;
}

/**
 * Builds a dataset from folders of real code, labelled by GitHub Linguist's language table.
 * Pass 1 walks every root by name and size only; pass 2 reads, per kept language, files in a
 * seeded round-robin over projects (a project is a root's top-level folder) until the cap is met,
 * so a 100,000-file tree is not read in full and no single project dominates a class.
 */
export async function datasetFromRepositories(folders: string[], options: RepositoryOptions = {}): Promise<DatasetResult> {
  if (folders.length === 0) throw new LanglabError('INVALID_ARGUMENT', 'Give at least one folder of code to build a dataset from.');
  const roots: string[] = [];
  for (const f of folders) roots.push((await requirePath(f, 'folder')).abs);
  const overrides = checkOverrides(options.overrides ?? {});
  for (const l of options.languages ?? []) {
    if (!isLinguistLanguage(l)) throw new LanglabError('INVALID_ARGUMENT', `'${l}' is not a language in GitHub Linguist's table (names are case-sensitive, e.g. 'C++', 'JavaScript').`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  const minFiles = options.minFiles ?? DEFAULT_MIN_FILES;
  const cap = options.cap ?? DEFAULT_CAP;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const progress = new ProgressReporter(options);
  const skips = new SkipLog(options.maxListedPerReason);
  const show = (root: number, rel: string) => (roots.length > 1 ? path.join(roots[root], rel) : rel);

  progress.setPhase('walk');
  const found: Found[] = [];
  for (let root = 0; root < roots.length; root++) {
    const base = Buffer.from(roots[root]);
    const gitignore = new GitignoreSet();
    await gitignore.load(base, '');
    const walk = walkFiles(base, Buffer.alloc(0), {
      progress,
      skip: (reason, rel) => skips.add(reason, show(root, rel)),
      enterDir: repositoryFolderCheck(gitignore),
      checkFile: (relBytes, size) => {
        const rel = displayPath(relBytes);
        const name = path.posix.basename(rel);
        if (gitignore.ignores(rel, false)) return 'gitignored';
        const byName = fileNameVerdict(name);
        if (byName) return byName;
        const verdict = languageForFileName(name, overrides);
        if (!verdict) return 'unknown-language';
        if ('ambiguous' in verdict) return 'ambiguous-extension';
        if (size > maxBytes) return 'oversize';
        return null;
      },
    }, [inode(await fsp.stat(base))]);
    for await (const entry of walk) {
      const rel = displayPath(entry.rel);
      const verdict = languageForFileName(path.posix.basename(rel), overrides);
      if (!verdict || !('language' in verdict)) continue;
      const slash = rel.indexOf('/');
      found.push({ entry, root, language: verdict.language, project: `${root}:${slash < 0 ? '.' : rel.slice(0, slash)}` });
      progress.file(entry.size, rel);
    }
  }

  progress.setPhase('select');
  const byLanguage = new Map<string, Found[]>();
  for (const f of found) {
    const list = byLanguage.get(f.language);
    if (list) list.push(f);
    else byLanguage.set(f.language, [f]);
  }
  const wanted = options.languages ? new Set(options.languages) : null;
  const ranked = [...byLanguage.entries()]
    .filter(([language, list]) => {
      const keep = (!wanted || wanted.has(language)) && list.length >= minFiles;
      if (!keep) for (const f of list) skips.add(wanted && !wanted.has(language) ? 'class-not-kept' : 'class-too-small', show(f.root, displayPath(f.entry.rel)));
      return keep;
    })
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const kept = options.top !== undefined ? ranked.slice(0, options.top) : ranked;
  for (const [, list] of ranked.slice(kept.length)) for (const f of list) skips.add('class-not-kept', show(f.root, displayPath(f.entry.rel)));

  progress.setPhase('read');
  const ctx = {
    skips,
    progress,
    concurrency: options.concurrency ?? 8,
    withSignature: true,
    checkBytes: async (bytes: Buffer) => ((await isBinaryFile(bytes, bytes.length)) ? ('binary' as const) : null),
    // A file whose text is another language than its name says (a Qt `.ts` translation is XML) is
    // left out, and so is one with no code of its language (a licence header alone).
    check: (_bytes: Buffer, text: string, _rel: string, language: string) =>
      contentVerdict(text) ?? (languageByContent(language, text) ? ('other-language' as const) : hasCode(language, text) ? null : ('no-code' as const)),
  };
  const candidates: Candidate[] = [];
  const sampling: { language: string; found: number; read: number; kept: number }[] = [];
  for (const [language, list] of kept) {
    const order = roundRobin(list, seed, language);
    const hashes = new Set<string>();
    const accepted: Candidate[] = [];
    let next = 0;
    while (hashes.size < cap && next < order.length) {
      const want = cap - hashes.size;
      const batch: Located[] = order
        .slice(next, next + Math.min(256, want + 8))
        .map((f) => ({ entry: f.entry, root: f.root, label: language, project: projectName(roots, f) }));
      next += batch.length;
      for (const c of await readCandidates(batch, ctx)) {
        if (hashes.size >= cap && !hashes.has(c.sha256)) continue;
        hashes.add(c.sha256);
        c.shown = show(c.root, c.path);
        accepted.push(c);
      }
    }
    sampling.push({ language, found: list.length, read: next, kept: hashes.size });
    if (hashes.size < minFiles) {
      for (const c of accepted) skips.add('class-too-small', c.shown ?? c.path);
      continue;
    }
    candidates.push(...accepted);
  }
  candidates.sort((a, b) => a.root - b.root || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  return assembleDataset({
    kind: 'repositories',
    name: options.name ?? roots.map((r) => path.basename(r)).join('+'),
    roots,
    candidates,
    skips,
    progress,
    options,
    recordedOptions: { top: options.top ?? null, minFiles, cap, maxBytes, overrides: options.overrides ?? {}, languages: options.languages ?? null, sampling },
    describe: roots.length === 1 ? `The folder ${roots[0]}` : `The folders ${roots.join(', ')}`,
  });
}

/** The project as a person reads it: the top-level folder, under its root's name when there are several roots. */
function projectName(roots: readonly string[], f: Found): string {
  const top = f.project.slice(f.project.indexOf(':') + 1);
  const name = top === '.' ? path.basename(roots[f.root]) : top;
  return roots.length > 1 && top !== '.' ? `${path.basename(roots[f.root])}/${name}` : name;
}

/**
 * Seeded round-robin over projects: each project's files are shuffled, the projects are put in
 * a shuffled order, then one file is taken from each project in turn.
 */
function roundRobin(list: Found[], seed: number, language: string): Found[] {
  const byProject = new Map<string, Found[]>();
  for (const f of list) {
    const group = byProject.get(f.project);
    if (group) group.push(f);
    else byProject.set(f.project, [f]);
  }
  const projects = [...byProject.keys()].sort();
  shuffle(projects, seededRandom(subSeed(seed, language)));
  const queues = projects.map((p) => {
    const files = byProject.get(p)!.sort((a, b) => Buffer.compare(a.entry.rel, b.entry.rel));
    return shuffle(files, seededRandom(subSeed(seed, `${language}\u0000${p}`)));
  });
  const out: Found[] = [];
  for (let round = 0; out.length < list.length; round++) {
    for (const q of queues) if (round < q.length) out.push(q[round]);
  }
  return out;
}

function checkOverrides(overrides: Record<string, string | null>): Map<string, string | null> {
  const map = new Map<string, string | null>();
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== null && !isLinguistLanguage(value)) {
      throw new LanglabError('INVALID_ARGUMENT', `The override ${key}=${value} names no language in GitHub Linguist's table (names are case-sensitive, e.g. 'C++').`);
    }
    map.set(key.startsWith('.') ? key.toLowerCase() : key, value);
  }
  return map;
}
