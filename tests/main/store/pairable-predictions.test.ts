import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { pairablePredictions, predictionTops } from '../../../main/store/pairable-predictions.ts';
import { openStore } from '../../../main/store/store.ts';
import { seedDatasetEvaluation, seedPredictedRun, seedTestDataset } from '../../helpers/seed-pair.ts';
import { tempDir } from '../../helpers/temp.ts';

const LABELS = ['java', 'python'];
const FILES = [
  { path: 'java/A.java', label: 'java', text: 'class A {}' },
  { path: 'python/a.py', label: 'python', text: 'def a(): pass' },
  { path: 'python/b.py', label: 'python', text: 'def b(): pass' },
];
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

test('predictions come with their file hashes; probabilities only for the files asked for', () => {
  const store = openStore({ file: path.join(tempDir(), 'langlab.db') });
  const db = store.db;
  const ds = seedTestDataset(db, 'own', FILES);
  const runId = seedPredictedRun(db, ds, 'A', LABELS, FILES, (f, i) => ({ label: i === 2 ? 'java' : f.label, probability: 0.75 }));
  const own = pairablePredictions(db, { kind: 'run', runId });
  assert.equal(own.datasetId, ds);
  assert.deepEqual(own.rows[2], { fileIndex: 2, path: 'python/b.py', trueLabel: 'python', predictedLabel: 'java', sha256: sha('def b(): pass') });
  const tops = predictionTops(db, { kind: 'run', runId }, [0, 2]);
  assert.deepEqual([...tops.keys()], [0, 2]);
  assert.deepEqual(tops.get(2)?.[0], { label: 'java', probability: 0.75 });

  const other = seedTestDataset(db, 'other', FILES.slice(1));
  const evaluationId = seedDatasetEvaluation(db, runId, other, LABELS, FILES.slice(1), (f) => ({ label: f.label, probability: 0.6 }));
  const onOther = pairablePredictions(db, { kind: 'evaluation', evaluationId });
  assert.equal(onOther.datasetId, other);
  assert.equal(onOther.rows[0].sha256, sha('def a(): pass'));
  assert.equal(predictionTops(db, { kind: 'evaluation', evaluationId }, [1]).get(1)?.[0].probability, 0.6);

  // A deleted dataset takes its hashes with it; the predictions stay.
  db.prepare('DELETE FROM datasets WHERE id = ?').run(ds);
  const orphaned = pairablePredictions(db, { kind: 'run', runId });
  assert.equal(orphaned.datasetId, null);
  assert.deepEqual(orphaned.rows.map((r) => r.sha256), [null, null, null]);
  store.close();
});
