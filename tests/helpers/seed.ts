import type Database from 'better-sqlite3';
import { saveEvaluation } from '../../main/store/evaluations.ts';
import { logMetrics } from '../../main/store/metrics.ts';
import { createRun, setRunStatus } from '../../main/store/runs.ts';

/** Inserts a dataset row the way a dataset import does, for tests of the views that list them. */
export function seedDataset(db: Database.Database, name = 'reference-8'): number {
  const classes = [
    { label: 'python', files: 120, bytes: 480_000 },
    { label: 'java', files: 90, bytes: 610_000 },
    { label: 'json', files: 60, bytes: 95_000 },
  ];
  return Number(
    db
      .prepare(
        `INSERT INTO datasets (name, source_kind, source, fingerprint, class_counts, split_counts, created_at)
         VALUES (?, 'folder', ?, ?, ?, ?, ?)`,
      )
      .run(name, JSON.stringify({ path: '/data/' + name }), 'f'.repeat(64), JSON.stringify(classes), JSON.stringify({ train: 194, validation: 22, test: 54 }), Date.now())
      .lastInsertRowid,
  );
}

/** A finished run with a metric history and a test evaluation. */
export function seedFinishedRun(db: Database.Database, datasetId: number, name: string, lr = 2e-5, tags: string[] = [], params: Record<string, unknown> = {}): number {
  const id = createRun(db, {
    name,
    datasetId,
    modelKind: 'scratch',
    params: { learning_rate: lr, batch_size: 16, epochs: 3, max_length: 256, seed: 42, ...params },
    tags,
    startTime: Date.now() - 60_000,
  });
  const points = [];
  for (let step = 0; step <= 300; step += 10) {
    points.push({ key: 'train_loss', step, value: 2 * Math.exp(-step / (lr * 5e6)) + 0.05 });
    if (step % 100 === 0) {
      points.push({ key: 'val_loss', step, epoch: step / 100, value: 2 * Math.exp(-step / (lr * 4e6)) + 0.1 });
      points.push({ key: 'val_accuracy', step, epoch: step / 100, value: 1 - Math.exp(-step / 90) * 0.8 });
    }
  }
  logMetrics(db, id, points);
  saveEvaluation(db, id, {
    split: 'test',
    labels: ['java', 'json', 'python'],
    rows: [
      { label: 'java', precision: 1, recall: 0.9, f1: 0.947368, support: 10 },
      { label: 'json', precision: 0.833333, recall: 1, f1: 0.909091, support: 5 },
      { label: 'python', precision: 1, recall: 1, f1: 1, support: 12 },
    ],
    macro: { precision: 0.944444, recall: 0.966667, f1: 0.95215, support: 27 },
    weighted: { precision: 0.962963, recall: 0.962963, f1: 0.96311, support: 27 },
    accuracy: 0.962963,
    confusion: [
      [9, 1, 0],
      [0, 5, 0],
      [0, 0, 12],
    ],
  });
  setRunStatus(db, id, 'FINISHED');
  return id;
}
