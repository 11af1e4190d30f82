import type { RunStatus } from '../../preload/contract.ts';
import { LanglabError } from '../errors.ts';
import { listRuns } from '../store/runs.ts';
import { type CliCommand, openCliStore, parseCommandArgs } from './command.ts';

const STATUSES: RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED'];

/** `langlab runs`: the runs list, filterable like the Runs page. */
export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'list the runs in the store (filter with --text, --tag, --status)',
  async run(argv) {
    const { values } = parseCommandArgs('runs', argv, {
      text: { type: 'string' },
      tag: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
    });
    if (values.help) {
      console.log('Usage: langlab runs [--text <s>] [--tag <t>] [--status RUNNING|FINISHED|FAILED|KILLED|INTERRUPTED] [--limit N] [--json]');
      return 0;
    }
    const status = values.status?.toUpperCase() as RunStatus | undefined;
    if (status && !STATUSES.includes(status)) {
      throw new LanglabError('INVALID_ARGUMENT', `--status must be one of ${STATUSES.join(', ')}, got "${values.status}".`);
    }
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new LanglabError('INVALID_ARGUMENT', `--limit must be a positive whole number, got "${values.limit}".`);
    const store = openCliStore(values.home);
    try {
      const page = listRuns(store.db, { text: values.text, tag: values.tag, status, limit });
      if (values.json) {
        console.log(JSON.stringify(page));
        return 0;
      }
      if (page.total === 0) {
        console.log('No runs in this store yet.');
        return 0;
      }
      console.log(['id', 'status', 'name', 'dataset', 'val_loss', 'val_accuracy'].join('\t'));
      for (const r of page.runs) {
        console.log([r.id, r.status, r.name, r.datasetName ?? '-', r.latest.val_loss ?? '-', r.latest.val_accuracy ?? '-'].join('\t'));
      }
      if (page.total > page.runs.length) console.log(`(${page.total - page.runs.length} more; use --limit)`);
      return 0;
    } finally {
      store.close();
    }
  },
};
