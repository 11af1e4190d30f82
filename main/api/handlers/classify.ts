import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ClassifyRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { deleteJob, getJob, getJobDetail, listJobs, listResults } from '../../store/jobs.ts';
import { exportedModelDir } from '../../trainer/host/run-model.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

function noJob(id: number): LanglabError {
  return new LanglabError('NOT_FOUND', `There is no classification job ${id}. It may have been deleted; pick one from the Classify list.`);
}

/** The folder a job is asked to classify: it must exist and be a folder. */
async function checkedFolder(given: string): Promise<string> {
  const root = path.resolve(given);
  let isDir = false;
  try {
    isDir = (await fsp.stat(root)).isDirectory();
  } catch (err) {
    throw new LanglabError('INVALID_ARGUMENT', `${root} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Pick an existing folder.`);
  }
  if (!isDir) throw new LanglabError('INVALID_ARGUMENT', `${root} is a file, not a folder. Pick the folder (a repository) to classify.`);
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
