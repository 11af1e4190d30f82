import { LanglabError } from '../errors.ts';
import { datasetFingerprint } from './fingerprint.ts';
import { findCrossSplitNearDuplicates, type SignedFile } from './near-duplicates.ts';
import { mapBounded } from './pool.ts';
import type { ProgressReporter } from './progress.ts';
import { DEFAULT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_VALIDATION_FRACTION, projectSplit, type ClassSplitKind } from './split.ts';
import type { SkipLog } from './skip-log.ts';
import type {
  ClassSummary,
  CommonOptions,
  Conflict,
  DatasetFile,
  DatasetKind,
  DatasetResult,
  DuplicateGroup,
  Split,
} from './types.ts';

/** A readable file with its label, before duplicates are removed and splits assigned. */
export interface Candidate extends Omit<DatasetFile, 'split' | 'project'> {
  project?: string | null;
  /** From a table's split column. */
  split?: Split;
  /** null when the text is too short to compare. */
  signature?: Uint32Array | null;
  /** How reports name the file when `path` alone is not enough (several roots). */
  shown?: string;
}

export interface AssembleInput {
  kind: DatasetKind;
  name: string;
  roots: string[];
  /** In a deterministic order: the first of identical copies is the one kept. */
  candidates: Candidate[];
  skips: SkipLog;
  progress: ProgressReporter;
  options: CommonOptions;
  /** Extra facts recorded with the dataset (caps, seeds of the way in). */
  recordedOptions: Record<string, unknown>;
  /** Computes a signature for a candidate that has none yet (re-reading its file). */
  loadSignature?: (c: Candidate) => Promise<Uint32Array | null>;
  /** Names the input in errors. */
  describe: string;
}

/** The steps every way in shares: duplicates, conflicts, class check, split, near-duplicates. */
export async function assembleDataset(input: AssembleInput): Promise<DatasetResult> {
  const { candidates, options, progress } = input;
  const seed = options.seed ?? DEFAULT_SEED;
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const validationFraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  checkFraction('test fraction', testFraction);
  checkFraction('validation fraction', validationFraction);
  progress.setPhase('select');

  const byHash = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const group = byHash.get(c.sha256);
    if (group) group.push(c);
    else byHash.set(c.sha256, [c]);
  }
  const kept: Candidate[] = [];
  const duplicates: DuplicateGroup[] = [];
  const conflicts: Conflict[] = [];
  for (const c of candidates) {
    const group = byHash.get(c.sha256)!;
    if (group[0] !== c) continue;
    const labels = new Set(group.map((g) => g.label));
    if (labels.size > 1) {
      conflicts.push({ sha256: c.sha256, files: group.map((g) => ({ path: g.shown ?? g.path, label: g.label })) });
      continue;
    }
    kept.push(c);
    if (group.length > 1) duplicates.push({ sha256: c.sha256, label: c.label, kept: c.shown ?? c.path, dropped: group.slice(1).map((g) => g.shown ?? g.path) });
  }

  const labels = [...new Set(kept.map((c) => c.label))].sort();
  if (labels.length < 2) {
    const found = labels.length === 0 ? 'no usable files' : `only the class '${labels[0]}'`;
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${input.describe} has ${found}: a classifier needs at least two classes with readable text files. ` +
        'Add another class (a sub-folder or label) and try again.',
    );
  }

  const given = kept.every((c) => c.split !== undefined);
  const bySplitter = given ? null : projectSplit(kept, seed, testFraction, validationFraction);
  const splits = bySplitter ? bySplitter.splits : kept.map((c) => c.split!);
  const files: DatasetFile[] = kept.map((c, i) => {
    const f: DatasetFile = { root: c.root, path: c.path, label: c.label, size: c.size, sha256: c.sha256, split: splits[i], project: c.project ?? null };
    if (c.pathBytes) f.pathBytes = c.pathBytes;
    if (c.text !== undefined) f.text = c.text;
    return f;
  });

  progress.setPhase('near-duplicates');
  const signatures = await mapBounded(kept, options.concurrency ?? 8, async (c) => {
    progress.tick(c.path);
    if (c.signature !== undefined) return c.signature;
    return input.loadSignature ? input.loadSignature(c) : null;
  });
  const signed: SignedFile[] = [];
  kept.forEach((c, i) => {
    const signature = signatures[i];
    if (signature) signed.push({ path: c.shown ?? c.path, split: splits[i], label: c.label, signature });
  });
  const near = findCrossSplitNearDuplicates(
    signed,
    options.nearDuplicateThreshold ?? 0.8,
    options.maxNearDuplicatePairs ?? 10_000,
    () => progress.tick(),
  );

  const classes: ClassSummary[] = labels.map((label) => ({ label, files: 0, bytes: 0 }));
  const classIndex = new Map(labels.map((l, i) => [l, i]));
  const splitCounts = { train: 0, validation: 0, test: 0 };
  for (const f of files) {
    const cls = classes[classIndex.get(f.label)!];
    cls.files++;
    cls.bytes += f.size;
    splitCounts[f.split]++;
  }
  progress.setPhase('done');
  return {
    kind: input.kind,
    name: input.name,
    roots: input.roots,
    files,
    classes,
    splits: splitCounts,
    skipped: input.skips.result(),
    duplicates,
    conflicts,
    nearDuplicates: near.pairs,
    nearDuplicatesTruncated: near.truncated,
    fingerprint: datasetFingerprint(files),
    options: {
      seed,
      testFraction,
      validationFraction,
      splitFrom: bySplitter ? splitKindOf(bySplitter.byClass) : 'column',
      ...(bySplitter ? { splitByClass: bySplitter.byClass } : {}),
      ...input.recordedOptions,
    },
  };
}

/** 'project' when every class held out whole projects, 'file' when none could, else 'mixed'. */
function splitKindOf(byClass: Record<string, ClassSplitKind>): 'project' | 'file' | 'mixed' {
  const kinds = new Set(Object.values(byClass));
  return kinds.size === 1 ? [...kinds][0] : 'mixed';
}

function checkFraction(what: string, value: number): void {
  if (!(value >= 0 && value < 1)) {
    throw new LanglabError('INVALID_ARGUMENT', `The ${what} must be at least 0 and below 1; got ${value}.`);
  }
}
