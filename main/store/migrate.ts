import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { LanglabError } from '../errors.ts';

/** One numbered migration file, `NNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations folder next to this module (the Electron bundle copies it next to itself). */
export const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/** Reads the numbered migrations in order; a gap or a duplicate number is a build error. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const migrations = files.map((file) => ({
    version: Number(file.slice(0, 3)),
    name: file.slice(4, -4),
    sql: readFileSync(path.join(dir, file), 'utf8'),
  }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.version}_${m.name} is out of sequence in ${dir}: expected ${i + 1}.`);
  });
  return migrations;
}

/** The schema version this build writes. */
export function latestVersion(migrations: Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

/**
 * Brings the database up to the latest schema. All pending migrations run in one transaction
 * together with the PRAGMA user_version update, so a failure leaves the file as it was.
 */
export function migrate(db: Database.Database, migrations: Migration[], file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  refuseNewer(current, latest, file);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  })();
  return latest;
}

/** A store from a newer build is never read or altered: its tables may mean something else. */
export function refuseNewer(current: number, latest: number, file: string): void {
  if (current > latest) {
    throw new LanglabError(
      'STORE_NEWER',
      `The store ${file} was written by a newer Langlab (schema ${current}; this build knows up to ${latest}). ` +
        'It was left untouched: update Langlab, or set LANGLAB_HOME to another folder.',
    );
  }
}
