import path from 'node:path';
import type { DatasetCommonOptions, DatasetRequests, DatasetReportInfo, ScanJobInfo } from '../../../preload/contract.ts';
import { checkScanJob } from '../../data/check-scan-job.ts';
import { highlightLanguage } from '../../data/highlight-language.ts';
import { lengthHistogram } from '../../data/length-histogram.ts';
import { cancelled } from '../../data/progress.ts';
import type { ScanJob } from '../../data/worker/scan-job.ts';
import { scanInWorker } from '../../data/worker/scan-in-worker.ts';
import { LanglabError } from '../../errors.ts';
import { JOB_EVENT_INTERVAL_MS, SCAN_JOB_START, type JobControl } from '../../jobs/registry.ts';
import { getDatasetSummary, listDatasetSummaries } from '../../store/dataset-summaries.ts';
import { datasetFileSizes, getDatasetFile, listDatasetFiles, readDatasetFileText } from '../../store/dataset-files.ts';
import { saveDatasetInSteps } from '../../store/dataset-save.ts';
import {
  classProjects,
  deleteDataset,
  getDataset,
  getDatasetHeader,
  listConflicts,
  listDatasets,
  listDuplicates,
  listNearDuplicates,
  listSkipReasons,
  listSkippedFiles,
} from '../../store/datasets.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

/** A scan reports at most this often; the job registry bounds the events it sends the same way. */
const PROGRESS_INTERVAL_MS = JOB_EVENT_INTERVAL_MS;
/** Entries of the long lists (skipped paths per reason, near-duplicate pairs) sent with a report; the rest is paged. */
const REPORT_PREVIEW = 100;
/** Duplicate groups and conflicts sent with a report: the page shows this many before "Show more". */
const ISSUES_PREVIEW = 200;

function noDataset(id: number): LanglabError {
  return new LanglabError('NOT_FOUND', `There is no dataset ${id}. It may have been deleted; pick one from the Datasets list.`);
}

function common(args: DatasetCommonOptions): DatasetCommonOptions & { progressIntervalMs: number } {
  const { name, seed, testFraction, validationFraction, maxBytes } = args;
  const out: DatasetCommonOptions & { progressIntervalMs: number } = { progressIntervalMs: PROGRESS_INTERVAL_MS };
  if (name !== undefined) out.name = name;
  if (seed !== undefined) out.seed = seed;
  if (testFraction !== undefined) out.testFraction = testFraction;
  if (validationFraction !== undefined) out.validationFraction = validationFraction;
  if (maxBytes !== undefined) out.maxBytes = maxBytes;
  if ((out.testFraction ?? 0.2) + (out.validationFraction ?? 0.1) >= 1) {
    throw new LanglabError('INVALID_ARGUMENT', 'The test and validation fractions together must leave some files for training; lower one of them.');
  }
  return out;
}

/** The Datasets section's requests: scans run as jobs in a worker thread, reports and files come from the store. */
export function datasetHandlers(ctx: ServiceContext): HandlersFor<DatasetRequests> {
  const { db } = ctx.store;
  const { jobs } = ctx;

  /**
   * Scans in a worker, then saves here in short steps that leave the event loop free between them;
   * a cancelled or failed scan or save leaves nothing saved.
   */
  const scanAndSave = async (job: ScanJob, control: JobControl<ScanJobInfo['kind']>): Promise<number> => {
    const result = await scanInWorker(job, {
      signal: control.signal,
      onProgress: (p) => control.progress({ phase: p.phase, filesSeen: p.filesSeen, bytesSeen: p.bytesSeen, current: p.current ?? null }),
    });
    if (control.signal.aborted) throw cancelled();
    control.progress({ phase: 'save', current: null, fraction: 0 });
    const id = await saveDatasetInSteps(db, result, {
      signal: control.signal,
      onProgress: (written, total) => control.progress({ fraction: total > 0 ? written / total : 1 }),
    });
    ctx.events.emit('store.changed', { what: 'datasets', id });
    return id;
  };

  const startScan = async (kind: 'dataset.add' | 'dataset.build', title: (job: ScanJob) => string, job: ScanJob): Promise<ScanJobInfo> => {
    const checked = await checkScanJob(job);
    return jobs.start(kind, title(checked), SCAN_JOB_START, (control) => scanAndSave(checked, control));
  };

  return {
    // The report's long lists come as first pages with their totals; the page asks for the rest.
    'datasets.list': async () => listDatasetSummaries(db),
    'datasets.get': async ({ id }) => {
      const summary = getDatasetSummary(db, id);
      const head = getDatasetHeader(db, id);
      if (!summary || !head) throw noDataset(id);
      const histogram = lengthHistogram(datasetFileSizes(db, id));
      for (const c of summary.classes) histogram.counts[c.label] ??= new Array<number>(Math.max(0, histogram.edges.length - 1)).fill(0);
      const skipped = listSkipReasons(db, id).map((g) => {
        const first = listSkippedFiles(db, id, g.reason, { limit: REPORT_PREVIEW });
        return { ...g, files: first.files, listed: first.total };
      });
      const duplicates = listDuplicates(db, id, { limit: ISSUES_PREVIEW });
      const conflicts = listConflicts(db, id, { limit: ISSUES_PREVIEW });
      const near = listNearDuplicates(db, id, { limit: REPORT_PREVIEW });
      const info: DatasetReportInfo = {
        ...summary,
        roots: head.roots,
        skipped,
        duplicates: duplicates.groups,
        duplicatesListed: duplicates.total,
        duplicatesDropped: duplicates.dropped,
        conflicts: conflicts.conflicts,
        conflictsListed: conflicts.total,
        nearDuplicates: near.pairs,
        nearDuplicatesListed: near.total,
        nearDuplicatesTruncated: head.nearDuplicatesTruncated,
        lengthHistogram: histogram,
        projects: classProjects(db, id),
        options: head.options,
      };
      return info;
    },
    'datasets.files': async ({ id, ...query }) => {
      if (!getDatasetSummary(db, id)) throw noDataset(id);
      const page = listDatasetFiles(db, id, query);
      return { total: page.total, files: page.files.map(({ root: _root, ...file }) => file) };
    },
    // Only files of a saved dataset, by id and index: the page never names a path to read.
    'datasets.fileText': async ({ id, index }) => {
      if (!getDatasetSummary(db, id)) throw noDataset(id);
      const file = getDatasetFile(db, id, index);
      if (!file) throw new LanglabError('NOT_FOUND', `Dataset ${id} has no file number ${index}.`);
      const text = await readDatasetFileText(db, id, index);
      return { index, path: file.path, label: file.label, split: file.split, text, highlight: highlightLanguage(file.label, file.path) };
    },
    'datasets.skippedFiles': async ({ id, reason, offset, limit }) => {
      if (!getDatasetSummary(db, id)) throw noDataset(id);
      return listSkippedFiles(db, id, reason, { offset, limit });
    },
    'datasets.nearDuplicates': async ({ id, offset, limit }) => {
      if (!getDatasetSummary(db, id)) throw noDataset(id);
      return listNearDuplicates(db, id, { offset, limit });
    },
    'datasets.duplicates': async ({ id, offset, limit }) => {
      if (!getDatasetSummary(db, id)) throw noDataset(id);
      const { total, groups } = listDuplicates(db, id, { offset, limit });
      return { total, groups };
    },
    'datasets.conflicts': async ({ id, offset, limit }) => {
      if (!getDatasetSummary(db, id)) throw noDataset(id);
      return listConflicts(db, id, { offset, limit });
    },
    'datasets.add': async ({ kind, path: given, ...options }) =>
      startScan('dataset.add', (job) => `Adding ${'path' in job ? path.basename(job.path) : kind}`, { kind, path: given, ...common(options) }),
    'datasets.build': async ({ roots, top, minFiles, cap, overrides, languages, ...options }) => {
      const job: ScanJob = { kind: 'repositories', roots, ...common(options) };
      if (top !== undefined) job.top = top;
      if (minFiles !== undefined) job.minFiles = minFiles;
      if (cap !== undefined) job.cap = cap;
      if (overrides !== undefined) job.overrides = overrides;
      if (languages !== undefined) job.languages = languages;
      return startScan('dataset.build', () => `Building from ${roots.length === 1 ? path.basename(roots[0]) : `${roots.length} folders`}`, job);
    },
    'datasets.delete': async ({ id }) => {
      if (!deleteDataset(db, id)) throw noDataset(id);
      ctx.events.emit('store.changed', { what: 'datasets', id });
      return { id };
    },
    'datasets.headers': async () => listDatasets(db),
    'datasets.fullReport': async ({ id }) => {
      const report = getDataset(db, id);
      if (!report) throw noDataset(id);
      return { ...report, projects: classProjects(db, id) };
    },
  };
}
