import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ClassificationExportFormat, ClassificationJobSummary, ClassifyRequests } from '../../../preload/contract.ts';
import { EXPORT_FILE_TYPES, exportLines } from '../../classify/export-results.ts';
import { defaultThreshold } from '../../classify/threshold.ts';
import { writeExportFile } from '../../classify/write-export.ts';
import { LanglabError } from '../../errors.ts';
import { highlightLanguage } from '../../data/highlight-language.ts';
import { deleteJob, eachResult, getJob, getJobDetail, getResult, listJobs, listLeftOut, listResults, setJobThreshold } from '../../store/jobs.ts';
import { getComparison, listDisagreements } from '../../store/job-comparison.ts';
import { runPairModels } from '../../classify/run-pair.ts';
import { exportedModelDir } from '../../trainer/host/run-model.ts';
import { classificationModel } from '../../trainer/int8-export.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

function noJob(id: number): LanglabError {
  return new LanglabError('NOT_FOUND', `There is no classification job ${id}. It may have been deleted; pick one from the Classify list.`);
}

/** The folder a job is asked to classify: it must exist, be a folder and hold something. */
async function checkedFolder(given: string): Promise<string> {
  const root = path.resolve(given);
  let isDir = false;
  try {
    isDir = (await fsp.stat(root)).isDirectory();
  } catch (err) {
    throw new LanglabError('INVALID_ARGUMENT', `${root} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Pick an existing folder.`);
  }
  if (!isDir) throw new LanglabError('INVALID_ARGUMENT', `${root} is a file, not a folder. Pick the folder (a repository) to classify.`);
  if ((await fsp.readdir(root)).length === 0) throw new LanglabError('INVALID_ARGUMENT', `${root} is empty: there is no file to classify. Pick the folder of a repository.`);
  return root;
}

/** The name an export of a job is offered under: the folder's name, the job's id. */
function exportName(job: ClassificationJobSummary, format: ClassificationExportFormat): string {
  const folder = path.basename(job.root).replace(/[^\w.-]+/g, '_') || 'folder';
  return `${folder}-classified-${job.id}.${EXPORT_FILE_TYPES[format].extension}`;
}

/** The Classify section's requests: jobs run in this backend, inference in the prediction worker. */
export function classifyHandlers(ctx: ServiceContext): HandlersFor<ClassifyRequests> {
  const { db } = ctx.store;
  return {
    'classify.jobs': async () => listJobs(db),
    'classify.start': async ({ runId, root, threshold, secondRunId, precision }) => {
      if (secondRunId !== undefined) {
        // Both runs are checked before the folder and before anything is stored.
        const pair = runPairModels(db, ctx.dataDir, runId, secondRunId);
        const folder = await checkedFolder(root);
        // Asked for a precision, both runs run in it (int8 refused by name where a run has none);
        // by default int8 only where both can, so the two models compute alike.
        let a = classificationModel(pair.a.dir, precision);
        let b = classificationModel(pair.b.dir, precision);
        if (a.precision !== b.precision) {
          a = classificationModel(pair.a.dir, 'float32');
          b = classificationModel(pair.b.dir, 'float32');
        }
        const id = ctx.classify.start({ runId, modelDir: a.dir, root: folder, threshold: threshold ?? defaultThreshold(db, runId), second: { runId: secondRunId, modelDir: b.dir }, precision: a.precision });
        return getJob(db, id)!;
      }
      const floatDir = exportedModelDir(db, ctx.dataDir, runId); // NOT_FOUND names a missing run
      const folder = await checkedFolder(root);
      const model = classificationModel(floatDir, precision);
      const id = ctx.classify.start({ runId, modelDir: model.dir, root: folder, threshold: threshold ?? defaultThreshold(db, runId), precision: model.precision });
      return getJob(db, id)!;
    },
    'classify.comparison': async ({ id }) => {
      if (!getJob(db, id)) throw noJob(id);
      const comparison = getComparison(db, id);
      if (!comparison) throw new LanglabError('INVALID_ARGUMENT', `Classification job ${id} classified its folder with one model; start a job with two runs to compare them.`);
      return comparison;
    },
    'classify.disagreements': async (query) => {
      const job = getJob(db, query.id);
      if (!job) throw noJob(query.id);
      if (!job.second) throw new LanglabError('INVALID_ARGUMENT', `Classification job ${query.id} classified its folder with one model; start a job with two runs to compare them.`);
      return listDisagreements(db, query);
    },
    'classify.job': async ({ id }) => getJobDetail(db, id) ?? Promise.reject(noJob(id)),
    'classify.results': async (query) => {
      if (!getJob(db, query.id)) throw noJob(query.id);
      return listResults(db, query);
    },
    'classify.setThreshold': async ({ id, threshold }) => {
      const job = getJob(db, id);
      if (!job) throw noJob(id);
      // A running job's breakdown is counted as its batches come, at the threshold it started with.
      if (job.status === 'RUNNING') throw new LanglabError('INVALID_ARGUMENT', `Classification job ${id} is still running; change its threshold once it has ended.`);
      setJobThreshold(db, id, threshold);
      ctx.events.emit('store.changed', { what: 'jobs', id });
      return getJobDetail(db, id)!;
    },
    'classify.export': async ({ id, format }) => {
      const job = getJob(db, id);
      if (!job) throw noJob(id);
      return { fileName: exportName(job, format), mediaType: EXPORT_FILE_TYPES[format].mediaType, text: [...exportLines(format, eachResult(db, id), job.threshold, job.second !== null)].join('') };
    },
    'classify.saveExport': async ({ id, format }) => {
      if (!ctx.pickSavePath) throw new LanglabError('NOT_AVAILABLE', 'There is no native save dialog in browser mode: the export is downloaded instead.');
      const job = getJob(db, id);
      if (!job) throw noJob(id);
      const type = EXPORT_FILE_TYPES[format];
      const file = await ctx.pickSavePath({ title: `Export job ${id}'s results`, defaultName: exportName(job, format), filter: { name: type.name, extensions: [type.extension] } });
      if (file === null) return { path: null };
      try {
        await writeExportFile(file, exportLines(format, eachResult(db, id), job.threshold, job.second !== null));
      } catch (err) {
        throw new LanglabError('INVALID_ARGUMENT', `${file} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Pick another place to save the export.`);
      }
      return { path: file };
    },
    'classify.cancel': async ({ id }) => {
      const job = getJob(db, id);
      if (!job) throw noJob(id);
      if (job.status !== 'RUNNING' || !ctx.classify.cancel(id)) {
        throw new LanglabError('INVALID_ARGUMENT', `Classification job ${id} is ${job.status}, not running; there is nothing to cancel.`);
      }
      await ctx.classify.settled(id);
      return getJob(db, id)!;
    },
    'classify.leftOut': async ({ id, reason, offset, limit }) => {
      if (!getJob(db, id)) throw noJob(id);
      return listLeftOut(db, id, reason, offset, limit);
    },
    // Highlighted as its file name says (the model may be wrong), else as the model says.
    // Only a file the job classified, by its stored path under the job's folder: the page never names another file to read.
    'classify.file': async ({ id, path: rel }) => {
      const job = getJob(db, id);
      if (!job) throw noJob(id);
      const result = getResult(db, id, rel);
      if (!result) throw new LanglabError('NOT_FOUND', `Classification job ${id} has no file ${rel}.`);
      const file = path.join(job.root, ...rel.split('/'));
      let bytes: Buffer;
      try {
        bytes = await fsp.readFile(file);
      } catch (err) {
        throw new LanglabError('NOT_AVAILABLE', `${file} cannot be read any more (${(err as NodeJS.ErrnoException).code ?? 'error'}): it was moved or deleted since the job ran.`);
      }
      return { path: rel, text: new TextDecoder('utf-8').decode(bytes), highlight: highlightLanguage('', rel) ?? highlightLanguage(result.label, rel) };
    },
    'classify.delete': async ({ id }) => {
      const job = getJob(db, id);
      if (!job) throw noJob(id);
      if (job.status === 'RUNNING') throw new LanglabError('INVALID_ARGUMENT', `Classification job ${id} is still running; cancel it first.`);
      deleteJob(db, id);
      ctx.events.emit('store.changed', { what: 'jobs', id });
      return { deleted: true };
    },
  };
}
