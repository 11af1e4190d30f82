import path from 'node:path';
import type { CoreRequests } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { getMetricSeries } from '../../store/metrics.ts';
import { allTags, getRun, listRuns, paramsOfRuns, setRunNote, setRunTags } from '../../store/runs.ts';
import { listExecutionProviders, onnxruntimeVersion } from '../providers.ts';
import { runsCsv } from '../runs-csv.ts';
import { APP_VERSION, type HandlersFor, type ServiceContext } from '../service-context.ts';

/** The foundation's requests: app info, the run list, run notes and tags, metric series, jobs, the path picker. */
export function coreHandlers(ctx: ServiceContext): HandlersFor<CoreRequests> {
  const { db } = ctx.store;
  return {
    'app.info': async () => ({
      version: APP_VERSION,
      runtime: ctx.runtime,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
      dataDir: ctx.dataDir,
      storePath: path.resolve(ctx.store.file),
      schemaVersion: ctx.store.schemaVersion,
      onnxruntimeVersion: onnxruntimeVersion(),
    }),
    'app.providers': async () => listExecutionProviders(),
    'runs.list': async (query) => listRuns(db, query),
    'runs.exportCsv': async (query) => {
      const runs = [];
      for (let page = listRuns(db, { ...query, limit: 5000 }); page.runs.length > 0; page = listRuns(db, { ...query, limit: 5000, offset: runs.length })) {
        runs.push(...page.runs);
        if (runs.length >= page.total) break;
      }
      const params = paramsOfRuns(db, runs.map((r) => r.id));
      return { csv: runsCsv(runs.map((run) => ({ run, params: params.get(run.id) ?? {} }))), runs: runs.length };
    },
    'runs.get': async ({ id }) => getRun(db, id),
    'runs.setNote': async ({ id, note }) => {
      setRunNote(db, id, note);
      ctx.events.emit('store.changed', { what: 'runs', id });
      return getRun(db, id);
    },
    'runs.setTags': async ({ id, tags }) => {
      setRunTags(db, id, tags);
      ctx.events.emit('store.changed', { what: 'runs', id });
      return getRun(db, id);
    },
    'runs.tags': async () => allTags(db),
    'runs.metrics': async ({ runIds, keys }) => getMetricSeries(db, runIds, keys),
    'runs.params': async ({ runIds }) => [...paramsOfRuns(db, runIds)].map(([runId, params]) => ({ runId, params: scalarParams(params) })),
    'jobs.list': async () => ctx.jobs.list(),
    'jobs.cancel': async ({ jobId }) => ctx.jobs.cancel(jobId),
    'system.pickPath': async ({ kind, title }) => {
      if (!ctx.pickPath) {
        throw new LanglabError('NOT_AVAILABLE', 'There is no native file dialog in browser mode: type the path into the field instead.');
      }
      return { paths: await ctx.pickPath(kind, title) };
    },
  };
}

/** Parameters as the views show them: scalars kept, anything structured as its JSON text. */
function scalarParams(params: Record<string, unknown>): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  return out;
}
