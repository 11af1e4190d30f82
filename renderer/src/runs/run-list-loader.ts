import type { RunsPage, RunsQuery, RunSummary } from '../../../preload/contract.ts';
import { bridge } from '../lib/bridge.ts';
import { bestMetrics, type BestMetrics } from './run-columns.ts';

// What the service accepts per request (main/api/schemas/core.ts).
const LIST_PAGE = 5000;
const METRICS_RUNS = 50;

/** Every run matching the filters, fetched a page at a time, so the list can sort all of them. */
export async function loadAllRuns(query: Omit<RunsQuery, 'limit' | 'offset'>): Promise<RunsPage> {
  const first = await bridge.request['runs.list']({ ...query, limit: LIST_PAGE, offset: 0 });
  const runs = [...first.runs];
  while (runs.length < first.total) {
    const page = await bridge.request['runs.list']({ ...query, limit: LIST_PAGE, offset: runs.length });
    if (page.runs.length === 0) break;
    runs.push(...page.runs);
  }
  return { runs, total: first.total };
}

/**
 * Best validation values of runs whose summary lacks them, read from their histories 50 runs per
 * request; `onpartial` gets the growing map so the column fills in as answers arrive.
 */
export async function loadBestMetrics(runs: readonly RunSummary[], onpartial: (best: Map<number, BestMetrics>) => void, cancelled: () => boolean): Promise<void> {
  const ids = runs.filter((r) => r.latest.best_val_accuracy === undefined && r.latest.best_val_loss === undefined).map((r) => r.id);
  const best = new Map<number, BestMetrics>();
  for (let i = 0; i < ids.length && !cancelled(); i += METRICS_RUNS * 4) {
    const chunks = [];
    for (let j = i; j < Math.min(ids.length, i + METRICS_RUNS * 4); j += METRICS_RUNS) chunks.push(ids.slice(j, j + METRICS_RUNS));
    const answers = await Promise.all(chunks.map((runIds) => bridge.request['runs.metrics']({ runIds, keys: ['val_loss', 'val_accuracy'] }).catch(() => [])));
    for (const series of answers) for (const [id, b] of bestMetrics(series)) best.set(id, b);
    if (!cancelled()) onpartial(new Map(best));
  }
}
