// The end of a run, as the reference script ends it: the best checkpoint is reloaded, the test split
// is scored with it into the classification report (and one ranked prediction per file), and those
// weights are exported as the run's inference model, written aside and renamed into place.
import fs from 'node:fs';
import path from 'node:path';
import type { PredictionRow } from '../../preload/contract-common.ts';
import { exportClassifier } from '../engine/export/export-classifier.ts';
import { applySyntaxRules, describeMoves } from '../engine/export/syntax-rules.ts';
import { int8SumsExactly } from '../engine/runtime/int8-support.ts';
import { int8ModelDir } from './int8-export.ts';
import type { RunnerState } from '../engine/runtime/train-step-runner.ts';
import type { NewEvaluation } from '../store/evaluations.ts';
import { hasCheckpoint, readCheckpoint } from './checkpoint.ts';
import type { Example } from './data.ts';
import type { Evaluator, EvaluatorLook } from './evaluator.ts';
import { classificationReport } from './metrics.ts';
import type { TrainableModel } from './model.ts';
import type { TrainSink } from './sink.ts';

/** The test report: the store's saveEvaluation input. */
export interface EvaluationResult extends NewEvaluation {
  split: 'test';
}

/** One test file's prediction (the store's prediction rows). */
/** Top probabilities stored per test file. */
export const PREDICTION_TOP_K = 5;

export interface FinalReportInput {
  runDir: string;
  /** The best checkpoint's folder; without one the current weights are reported and exported. */
  bestDir: string;
  current: () => RunnerState;
  evaluator: Evaluator;
  model: TrainableModel;
  test: readonly Example[];
  labels: string[];
  /** The second look the export takes at files the model is unsure of; the test report takes the same one. */
  secondLook: EvaluatorLook | null;
  /**
   * With `syntax_rules`, how to read test files' texts: the test report then applies the syntax
   * rules (engine/export/syntax-rules.ts) after the second look, as the export records them.
   */
  syntaxRules: ((examples: readonly Example[]) => Promise<string[]>) | null;
  batchSize: number;
  sink: TrainSink;
  /** Where the test metrics are logged: the run's last step and its (fractional) epoch. */
  step: number;
  epoch: number;
}

export interface FinalReport {
  evaluation: EvaluationResult;
  predictions: PredictionRow[];
  /** runDir/model. */
  exportDir: string;
}

/** Scores the test split with the best weights, reports it (metrics and a log line) and exports those weights. */
export async function reportAndExport(o: FinalReportInput): Promise<FinalReport> {
  const { labels, test } = o;
  const best = hasCheckpoint(o.bestDir) ? readCheckpoint(o.bestDir).runner : o.current();
  const bestParams = new Map(Object.entries(best.params).map(([k, v]) => [k, v instanceof Float32Array ? v : Float32Array.from(v)]));
  const scores = await o.evaluator.score(test, (n) => bestParams.get(n)!, o.batchSize, labels.length, o.secondLook);
  const textsOf = o.syntaxRules;
  const moves = textsOf ? await applySyntaxRules(labels, scores.probabilities, (rows) => textsOf(rows.map((r) => test[r]))) : [];
  for (const m of moves) scores.predicted[m.row] = m.to;
  const report = classificationReport(labels, test.map((e) => e.label), scores.predicted);
  const evaluation: EvaluationResult = { split: 'test', ...report };
  const predictions = test.map((e, i) => ({
    fileIndex: e.fileIndex, path: e.path, trueLabel: labels[e.label], predictedLabel: labels[scores.predicted[i]],
    top: Array.from(scores.probabilities[i], (probability, k) => ({ label: labels[k], probability }))
      .sort((a, b) => b.probability - a.probability).slice(0, PREDICTION_TOP_K),
  }));
  o.sink.metrics([
    { key: 'test_accuracy', value: report.accuracy, step: o.step, epoch: o.epoch },
    { key: 'test_macro_f1', value: report.macro.f1, step: o.step, epoch: o.epoch },
  ]);
  o.sink.log('info', `Test accuracy ${(100 * report.accuracy).toFixed(2)}%, macro F1 ${report.macro.f1.toFixed(4)} over ${test.length} files (best checkpoint).`);
  if (o.secondLook) {
    const { look } = o.secondLook;
    o.sink.log('info', `Second look: ${scores.secondLooks} of ${test.length} test files were below ${100 * look.below}% sure and long enough, and were read again in ${look.windows} windows.`);
  }
  if (textsOf) o.sink.log('info', `Syntax rules: test files moved (${describeMoves(moves)}).`);

  const exportDir = path.join(o.runDir, 'model');
  const tmp = fs.mkdtempSync(path.join(o.runDir, '.model-writing-'));
  exportClassifier(tmp, o.model.exportSpec(bestParams));
  fs.rmSync(exportDir, { recursive: true, force: true });
  fs.renameSync(tmp, exportDir);
  // Where int8 is the classification default, its export is written here, in the training process,
  // rather than by the first classification job on the app's main thread (about half a second).
  if (o.model.family === 'scratch' && int8SumsExactly()) {
    try {
      int8ModelDir(exportDir);
    } catch (err) {
      o.sink.log('info', `No int8 export written (classification will write it or run float32): ${(err as Error).message}`);
    }
  }
  return { evaluation, predictions, exportDir };
}
