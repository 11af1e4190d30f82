// The prediction workers a classification job spreads its batches over: the answers are the ones a
// single worker gives, each to its own request, and close() still waits for every answer due.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { exportClassifier } from '../../../../main/engine/export/export-classifier.ts';
import { initScratchWeights, scratchConfig } from '../../../../main/engine/models/scratch.ts';
import { Predictor } from '../../../../main/trainer/host/predictor.ts';
import { tempDir } from '../../../helpers/temp.ts';

const LABELS = ['javascript', 'python', 'xml'];
const open: Predictor[] = [];
after(() => Promise.all(open.map((p) => p.close())));

function predictor(workers?: number): Predictor {
  const p = new Predictor(workers === undefined ? {} : { workers });
  open.push(p);
  return p;
}

function model(): string {
  const dir = path.join(tempDir(), 'model');
  const config = scratchConfig(LABELS.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 64 });
  exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, 7), labels: LABELS });
  return dir;
}

const text = (i: number) =>
  i % 3 === 0 ? `def f${i}(x):\n    return x * ${i}\n` : i % 3 === 1 ? `const f${i} = (x) => x * ${i};\n`.repeat(1 + (i % 4)) : `<item id="${i}"><name>n${i}</name></item>\n`;

test('batches spread over two workers get the answers one worker gives, each request its own, in order', async () => {
  const dir = model();
  const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 5 + b }, (_, i) => text(10 * b + i)));
  const one = predictor();
  const alone: Awaited<ReturnType<Predictor['predict']>>[] = [];
  for (const texts of batches) alone.push(await one.predict(dir, texts, undefined, 1));
  const two = predictor(2);
  assert.equal(two.workers, 2);
  // All asked at once, as a job with several batches in flight does: they alternate between the workers.
  const spread = await Promise.all(batches.map((texts) => two.predict(dir, texts, undefined, 1)));
  assert.deepEqual(spread, alone);
  assert.ok(two.timing.runMs > 0);
});

test('close() waits for the answers due from every worker, then a later request starts them again', async () => {
  const dir = model();
  const two = predictor(2);
  const big = (k: number) => Array.from({ length: 1500 }, (_, i) => text(i + k));
  // Both workers hold a long request when close() is called: stopping either mid-run would abort the process.
  const due = [two.predict(dir, big(0), 1, 1), two.predict(dir, big(1), 1, 1)];
  await two.close();
  const answers = await Promise.all(due);
  assert.deepEqual(answers.map((a) => a.length), [1500, 1500]);
  assert.ok(answers.every((a) => a.every((r) => r.length === 1 && LABELS.includes(r[0].label))));
  assert.equal((await two.predict(dir, ['<a/>'])).length, 1);
});

test('a worker count that is not a positive integer is refused', () => {
  assert.throws(() => new Predictor({ workers: 0 }), /workers must be a positive integer, got 0/);
});
