import type { CompareRequests, PairQuery } from '../../../preload/contract.ts';
import { LanglabError } from '../../errors.ts';
import { getDatasetEvaluation } from '../../store/evaluations.ts';
import { pairablePredictions, predictionTops, type PredictionSource } from '../../store/pairable-predictions.ts';
import { getRun } from '../../store/runs.ts';
import { comparedPairs, pairDiff, pairFiles, pairFileOf, selectPairs, sharedLabels, type PairInput } from '../compare/pair-diff.ts';
import type { HandlersFor, ServiceContext } from '../service-context.ts';

type Db = ServiceContext['store']['db'];
/** One side of a comparison, and where its predictions are stored. */
type Side = PairInput & { source: PredictionSource };

/** Comparing two runs file by file; the pairing and the counting happen here, pages go to the view. */
export function compareHandlers(ctx: ServiceContext): HandlersFor<CompareRequests> {
  const { db } = ctx.store;
  return {
    'compare.pair': async (q) => {
      const [a, b] = sides(db, q);
      return pairDiff(a, b);
    },
    'compare.pairFiles': async (q) => {
      const [a, b] = sides(db, q);
      const pairs = comparedPairs(pairFiles(a.predictions.rows, b.predictions.rows), sharedLabels(a.labels, b.labels).labels);
      const selected = selectPairs(pairs, q.filter);
      const offset = q.offset ?? 0;
      const page = selected.slice(offset, offset + (q.limit ?? 100));
      const details = (side: Side, key: 'a' | 'b') => ({ datasetId: side.predictions.datasetId, tops: predictionTops(db, side.source, page.map((s) => s.pair[key].fileIndex)) });
      const [detailsA, detailsB] = [details(a, 'a'), details(b, 'b')];
      const rows = page.map((s) => pairFileOf(s, detailsA, detailsB));
      const moved = q.filter.kind === 'cell' ? { in: selected.filter((s) => s.move === 'in').length, out: selected.filter((s) => s.move === 'out').length } : undefined;
      return { rows, total: selected.length, ...(moved ? { moved } : {}) };
    },
  };
}

/** Both sides of a comparison, or a message that says why one cannot be compared file by file. */
function sides(db: Db, q: PairQuery): [Side, Side] {
  if (q.runA === q.runB) throw new LanglabError('INVALID_ARGUMENT', `Run ${q.runA} was picked as both A and B; pick two different runs.`);
  return [side(db, q.runA, q.evaluationA), side(db, q.runB, q.evaluationB)];
}

function side(db: Db, runId: number, evaluationId: number | undefined): Side {
  const run = getRun(db, runId);
  if (evaluationId !== undefined) {
    const evaluation = getDatasetEvaluation(db, evaluationId);
    if (!evaluation || evaluation.runId !== runId) {
      throw new LanglabError('NOT_FOUND', `Run “${run.name}” has no evaluation ${evaluationId} on another dataset. It may have been deleted; reload the page.`);
    }
    const source = { kind: 'evaluation', evaluationId } as const;
    return { labels: evaluation.labels, predictions: pairablePredictions(db, source), source };
  }
  const test = run.evaluations.filter((e) => e.split === 'test').at(-1);
  const source = { kind: 'run', runId } as const;
  const predictions = pairablePredictions(db, source);
  if (!test || predictions.rows.length === 0) {
    const why =
      run.status === 'RUNNING'
        ? 'is still training: its test predictions are written when it finishes. Its curves can be compared now; come back for the files once it has finished.'
        : `has no stored test predictions (it ended ${run.status.toLowerCase()} before its test evaluation), so it cannot be compared file by file.`;
    throw new LanglabError('NOT_AVAILABLE', `Run “${run.name}” ${why}`);
  }
  return { labels: test.labels, predictions, source };
}
