import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ClassifyRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { highlightLanguage } from '../../data/highlight-language.ts';
import { deleteJob, getJob, getJobDetail, getResult, listJobs, listLeftOut, listResults } from '../../store/jobs.ts';
import { exportedModelDir } from '../../trainer/host/run-model.ts';
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

/** The Classify section's requests: jobs run in this backend, inference in the prediction worker. */
export function classifyHandlers(ctx: ServiceContext): HandlersFor<ClassifyRequests> {
  const { db } = ctx.store;
  return {
    'classify.jobs': async () => listJobs(db),
    'classify.start': async ({ runId, root }) => {
      const modelDir = exportedModelDir(db, ctx.dataDir, runId); // NOT_FOUND names a missing run
      const id = ctx.classify.start({ runId, modelDir, root: await checkedFolder(root) });
      return getJob(db, id)!;
    },
    'classify.job': async ({ id }) => getJobDetail(db, id) ?? Promise.reject(noJob(id)),
    'classify.results': async (query) => {
      if (!getJob(db, query.id)) throw noJob(query.id);
      return listResults(db, query);
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
