import type Database from 'better-sqlite3';
import type { ModelKind, Preset } from '../../preload/contract.ts';
import type { Hyperparameters } from '../../preload/hyperparameters.ts';
import { LanglabError } from '../errors.ts';

interface PresetRow {
  id: number;
  name: string;
  model_kind: ModelKind;
  hyperparameters: string;
  created_at: number;
}

function toPreset(r: PresetRow): Preset {
  return { id: r.id, name: r.name, modelKind: r.model_kind, hyperparameters: JSON.parse(r.hyperparameters) as Partial<Hyperparameters>, createdAt: r.created_at };
}

/** Every saved preset, by name. */
export function listPresets(db: Database.Database): Preset[] {
  return (db.prepare('SELECT * FROM presets ORDER BY name COLLATE NOCASE, model_kind').all() as PresetRow[]).map(toPreset);
}

/** Saves a preset; saving under a name that exists for the same model kind replaces it. */
export function savePreset(db: Database.Database, p: { name: string; modelKind: ModelKind; hyperparameters: Partial<Hyperparameters> }, now = Date.now()): Preset {
  const row = db
    .prepare(
      `INSERT INTO presets (name, model_kind, hyperparameters, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, model_kind) DO UPDATE SET hyperparameters = excluded.hyperparameters, created_at = excluded.created_at
       RETURNING *`,
    )
    .get(p.name, p.modelKind, JSON.stringify(p.hyperparameters), now) as PresetRow;
  return toPreset(row);
}

export function deletePreset(db: Database.Database, id: number): void {
  if (db.prepare('DELETE FROM presets WHERE id = ?').run(id).changes === 0) {
    throw new LanglabError('NOT_FOUND', `There is no preset ${id}. It may have been deleted already; reload the form.`);
  }
}
