import type { SkippedGroup, SkipReason } from './types.ts';

/** Collects skipped files per reason with exact counts and a bounded list of paths. */
export class SkipLog {
  private readonly groups = new Map<SkipReason, SkippedGroup>();
  constructor(private readonly maxListed = 10_000) {}

  add(reason: SkipReason, file: string): void {
    let group = this.groups.get(reason);
    if (!group) {
      group = { reason, count: 0, files: [] };
      this.groups.set(reason, group);
    }
    group.count++;
    if (group.files.length < this.maxListed) group.files.push(file);
  }

  /** Groups sorted by reason, each file list sorted, so results compare equal across runs. */
  result(): SkippedGroup[] {
    return [...this.groups.values()]
      .sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
      .map((g) => ({ ...g, files: [...g.files].sort() }));
  }
}
