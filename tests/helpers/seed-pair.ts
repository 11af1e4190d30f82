// Datasets whose test files have text and hashes, and finished runs with stored per-file test
// predictions and the report made from them, for the views that compare two runs file by file.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PredictionRow } from '../../preload/contract.ts';
import { saveDatasetEvaluation, saveEvaluation } from '../../main/store/evaluations.ts';
import { savePredictions } from '../../main/store/run-predictions.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';
import { classificationReport } from '../../main/trainer/metrics.ts';

export interface SeedFile {
  path: string;
  label: string;
  text: string;
}

/** A table dataset (text stored per row) whose files are all in the test split. */
export function seedTestDataset(db: Database.Database, name: string, files: readonly SeedFile[]): number {
  const labels = [...new Set(files.map((f) => f.label))];
  const classes = labels.map((label) => ({ label, files: files.filter((f) => f.label === label).length, bytes: 100 }));
  const id = Number(
    db
      .prepare(
        `INSERT INTO datasets (name, source_kind, source, fingerprint, class_counts, split_counts, created_at) VALUES (?, 'csv', ?, ?, ?, ?, ?)`,
      )
      .run(name, JSON.stringify({ path: `/data/${name}.csv` }), 'e'.repeat(64), JSON.stringify(classes), JSON.stringify({ train: 0, validation: 0, test: files.length }), Date.now())
      .lastInsertRowid,
  );
  const insert = db.prepare(`INSERT INTO dataset_files (dataset_id, idx, root, path, label, split, size, sha256, text) VALUES (?, ?, 0, ?, ?, 'test', ?, ?, ?)`);
  files.forEach((f, i) => insert.run(id, i, f.path, f.label, f.text.length, createHash('sha256').update(f.text).digest('hex'), f.text));
  return id;
}

/**
 * A finished run over a dataset's test files: `predict` gives each file's predicted label and its
 * probability; the run's test report is computed from them as the trainer does.
 */
export function seedPredictedRun(
  db: Database.Database,
  datasetId: number,
  name: string,
  labels: readonly string[],
  files: readonly SeedFile[],
  predict: (f: SeedFile, i: number) => { label: string; probability: number },
  params: Record<string, unknown> = {},
): number {
  const id = createRun(db, { name, datasetId, modelKind: 'scratch', params: { learning_rate: 1e-3, seed: 1, ...params }, tags: [], startTime: Date.now() - 60_000 });
  const rows = predictionRows(labels, files, predict);
  savePredictions(db, id, rows);
  saveEvaluation(db, id, { split: 'test', ...reportOf(labels, rows) });
  setRunStatus(db, id, 'FINISHED');
  return id;
}

/** An evaluation of a run on another dataset, with its per-file predictions. */
export function seedDatasetEvaluation(
  db: Database.Database,
  runId: number,
  datasetId: number,
  labels: readonly string[],
  files: readonly SeedFile[],
  predict: (f: SeedFile, i: number) => { label: string; probability: number },
): number {
  const predictions = predictionRows(labels, files, predict);
  return saveDatasetEvaluation(db, { runId, datasetId, datasetName: `dataset ${datasetId}`, evaluation: { split: 'all', ...reportOf(labels, predictions) }, unknownLabels: [], predictions });
}

function predictionRows(labels: readonly string[], files: readonly SeedFile[], predict: (f: SeedFile, i: number) => { label: string; probability: number }): PredictionRow[] {
  return files.map((f, i) => {
    const p = predict(f, i);
    const rest = labels.filter((l) => l !== p.label).map((label, k) => ({ label, probability: (1 - p.probability) / 2 ** (k + 1) }));
    return { fileIndex: i, path: f.path, trueLabel: f.label, predictedLabel: p.label, top: [{ label: p.label, probability: p.probability }, ...rest] };
  });
}

function reportOf(labels: readonly string[], rows: readonly PredictionRow[]) {
  const index = (l: string) => labels.indexOf(l);
  return classificationReport(labels, rows.map((r) => index(r.trueLabel)), rows.map((r) => index(r.predictedLabel)));
}
