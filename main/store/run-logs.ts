import type Database from 'better-sqlite3';
import type { RunLogLine } from '../../preload/contract.ts';

/** The highest log sequence number of a run (0 when it has none), so a resumed run continues it. */
export function lastLogSeq(db: Database.Database, runId: number): number {
  return (db.prepare('SELECT COALESCE(MAX(seq), 0) FROM run_logs WHERE run_id = ?').pluck().get(runId) as number) ?? 0;
}

/** Keeps one log line of a run. */
export function appendRunLog(db: Database.Database, line: RunLogLine): void {
  db.prepare('INSERT INTO run_logs (run_id, seq, level, message, time) VALUES (?, ?, ?, ?, ?)').run(line.runId, line.seq, line.level, line.message, line.time);
}

/** A run's log lines after `afterSeq`, oldest first, for a view that reconnects. */
export function runLogLines(db: Database.Database, runId: number, afterSeq = 0, limit = 10_000): RunLogLine[] {
  const rows = db
    .prepare('SELECT seq, level, message, time FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?')
    .all(runId, afterSeq, limit) as { seq: number; level: RunLogLine['level']; message: string; time: number }[];
  return rows.map((r) => ({ runId, ...r }));
}
