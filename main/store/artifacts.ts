// Files a run produced (checkpoints, the exported model, its log): stored on disk, with their
// paths relative to the data directory kept in `artifacts`.
import type Database from 'better-sqlite3';
import type { ArtifactInfo } from '../../preload/contract.ts';

/** Records a file the run produced; `path` is relative to the data directory. */
export function addArtifact(db: Database.Database, runId: number, kind: string, path: string, bytes: number, now = Date.now()): number {
  return Number(
    db.prepare('INSERT INTO artifacts (run_id, kind, path, bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, kind, path, bytes, now).lastInsertRowid,
  );
}

/** Replaces the artifacts of one kind (a resumed run writes its checkpoints again). */
export function replaceArtifact(db: Database.Database, runId: number, kind: string, relPath: string, bytes: number, now = Date.now()): void {
  db.transaction(() => {
    db.prepare('DELETE FROM artifacts WHERE run_id = ? AND kind = ?').run(runId, kind);
    addArtifact(db, runId, kind, relPath, bytes, now);
  })();
}

/** A run's artifacts, oldest first. */
export function listArtifacts(db: Database.Database, runId: number): ArtifactInfo[] {
  const rows = db.prepare('SELECT id, kind, path, bytes, created_at FROM artifacts WHERE run_id = ? ORDER BY id').all(runId) as {
    id: number;
    kind: string;
    path: string;
    bytes: number;
    created_at: number;
  }[];
  return rows.map((a) => ({ id: a.id, kind: a.kind, path: a.path, bytes: a.bytes, createdAt: a.created_at }));
}
