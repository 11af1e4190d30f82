import type { RunStatus } from '../../preload/contract.ts';
import { usageError, wholeNumber } from './args.ts';
import { defineCommand } from './command.ts';

const STATUSES: RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED'];

/** `langlab runs`: the runs list, filterable like the Runs page (`runs.list`). */
export const runsCommand = defineCommand({
  name: 'runs',
  summary: 'list the runs in the store (filter with --text, --tag, --status)',
  options: { text: { type: 'string' }, tag: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
  usage: () => 'Usage: langlab runs [--text <s>] [--tag <t>] [--status RUNNING|FINISHED|FAILED|KILLED|INTERRUPTED] [--limit N] [--json]',
  async run({ values }, ctx) {
    const status = values.status?.toUpperCase() as RunStatus | undefined;
    if (status && !STATUSES.includes(status)) throw usageError('runs', `--status must be one of ${STATUSES.join(', ')}, got "${values.status}".`);
    const limit = wholeNumber('runs', 'limit', values.limit, 1) ?? 100;
    const service = await ctx.service();
    try {
      const page = await service.call('runs.list', {
        ...(values.text !== undefined ? { text: values.text } : {}),
        ...(values.tag !== undefined ? { tag: values.tag } : {}),
        ...(status ? { status } : {}),
        limit,
      });
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
      service.close();
    }
  },
});
