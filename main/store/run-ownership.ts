// What the run manager records about a run beyond runs.ts: which process trains it, where its
// files are, and removing it whole.
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { RunStatus } from '../../preload/contract.ts';

/** Marks a run as trained by this process (a start or a resume), with its folder relative to the data folder. */
export function claimRun(db: Database.Database, runId: number, artifactDir: string): void {
  db.prepare(`UPDATE runs SET status = 'RUNNING', end_time = NULL, error = NULL, owner_pid = ?, owner_host = ?, artifact_dir = ? WHERE id = ?`).run(
    process.pid,
    os.hostname(),
    artifactDir,
    runId,
  );
}

/** Status, folder and owner of a run, or null when there is no such run. */
export function runOwnership(db: Database.Database, runId: number): { status: RunStatus; artifactDir: string | null; ownerPid: number | null } | null {
  const row = db.prepare('SELECT status, artifact_dir, owner_pid FROM runs WHERE id = ?').get(runId) as
    | { status: RunStatus; artifact_dir: string | null; owner_pid: number | null }
    | undefined;
  return row ? { status: row.status, artifactDir: row.artifact_dir, ownerPid: row.owner_pid } : null;
}

/** Replaces the artifacts of one kind (a resumed run writes its checkpoints again). */
export function replaceArtifact(db: Database.Database, runId: number, kind: string, relPath: string, bytes: number, now = Date.now()): void {
  db.transaction(() => {
    db.prepare('DELETE FROM artifacts WHERE run_id = ? AND kind = ?').run(runId, kind);
    db.prepare('INSERT INTO artifacts (run_id, kind, path, bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, kind, relPath, bytes, now);
  })();
}

/** Deletes a run and everything that hangs off it (metrics, params, tags, logs, predictions ...). */
export function deleteRunRows(db: Database.Database, runId: number): boolean {
  return db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
}
