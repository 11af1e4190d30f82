// A stand-in for the trainer, run in a real worker thread by the RunManager tests. What it does is
// chosen by the entry URL's query (?mode=finish|fail|crash|exit|cancel), so each test picks one.
// Like the trainer on a machine without a GPU, it runs every run on the CPU.
import fs from 'node:fs';
import path from 'node:path';
import { LanglabError } from '../../../../main/errors.ts';
import { serveEngine } from '../../../../main/trainer/host/serve-engine.ts';
import type { TrainOutcome, TrainRequest, TrainSink } from '../../../../main/trainer/host/protocol.ts';

const mode = new URL(import.meta.url).searchParams.get('mode') ?? 'finish';
const LABELS = ['java', 'json', 'python'];

function checkpoint(req: TrainRequest, step: number): void {
  for (const which of ['last', 'best']) {
    const dir = path.join(req.runDir, 'checkpoints', which);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ step }));
  }
}

function train(req: TrainRequest, sink: TrainSink, steps: number, from = 0): void {
  const hp = req.hyperparameters;
  for (let step = from + 1; step <= steps; step++) {
    sink.progress({ phase: 'training', epoch: 0, epochs: hp.epochs, step, totalSteps: steps, trainLoss: 1 / step, trainAccuracy: null, valLoss: null,
      valAccuracy: null, learningRate: hp.learning_rate, samplesPerSecond: 10, etaSeconds: steps - step, elapsedSeconds: step });
    sink.metrics([{ key: 'train_loss', value: 1 / step, step, epoch: step / steps }, { key: 'learning_rate', value: hp.learning_rate, step, epoch: step / steps },
      { key: 'samples_per_s', value: 10, step, epoch: step / steps }]);
  }
}

function finished(req: TrainRequest, sink: TrainSink, from = 0): TrainOutcome {
  train(req, sink, 20, from);
  checkpoint(req, 20);
  const model = path.join(req.runDir, 'model');
  fs.mkdirSync(model, { recursive: true });
  fs.writeFileSync(path.join(model, 'langlab-model.json'), '{}');
  sink.log('info', `fake trained with batch size ${req.hyperparameters.batch_size}${req.resume ? ' (resumed)' : ''}`);
  const row = (label: string, precision: number, recall: number, f1: number, support: number) => ({ label, precision, recall, f1, support });
  return {
    status: 'FINISHED', epochsCompleted: 3, steps: 20, bestValLoss: 0.25, bestValAccuracy: 0.9, wallSeconds: 1.5, secondsToBest: 1, provider: 'cpu', labels: LABELS,
    exportDir: model,
    evaluation: {
      split: 'test', labels: LABELS, accuracy: 2 / 3,
      rows: [row('java', 1, 1, 1, 1), row('json', 0, 0, 0, 1), row('python', 0.5, 1, 2 / 3, 1)],
      macro: { precision: 0.5, recall: 2 / 3, f1: 5 / 9, support: 3 }, weighted: { precision: 0.5, recall: 2 / 3, f1: 5 / 9, support: 3 },
      confusion: [[1, 0, 0], [0, 0, 1], [0, 0, 1]],
    },
    predictions: [
      { fileIndex: 7, path: 'java/A.java', trueLabel: 'java', predictedLabel: 'java', top: [{ label: 'java', probability: 0.9 }, { label: 'json', probability: 0.1 }] },
      { fileIndex: 8, path: 'json/a.json', trueLabel: 'json', predictedLabel: 'python', top: [{ label: 'python', probability: 0.6 }, { label: 'json', probability: 0.4 }] },
      { fileIndex: 9, path: 'python/a.py', trueLabel: 'python', predictedLabel: 'python', top: [{ label: 'python', probability: 0.7 }] },
    ],
  };
}

serveEngine(async (req, sink, signal) => {
  // As the trainer on a machine without a GPU: any other provider falls back to the CPU, saying why.
  const fallback = req.provider === 'cpu' ? null : `${req.provider} could not start (fake: no device); training on the CPU instead.`;
  if (fallback) sink.log('warn', fallback);
  sink.device?.('cpu', fallback);
  if (req.resume) {
    const state = JSON.parse(fs.readFileSync(path.join(req.runDir, 'checkpoints', 'last', 'state.json'), 'utf8')) as { step: number };
    sink.log('info', `fake resumed at step ${state.step}`);
    return finished(req, sink, state.step);
  }
  switch (mode) {
    case 'fail':
      train(req, sink, 3);
      throw new LanglabError('TRAINING_FAILED', 'Loss became NaN at step 3 (epoch 1); lower the learning rate.');
    case 'crash':
      train(req, sink, 5);
      setTimeout(() => {
        throw new Error('the native runtime blew up');
      });
      return new Promise<never>(() => {});
    case 'exit':
      train(req, sink, 5);
      setTimeout(() => process.exit(7));
      return new Promise<never>(() => {});
    case 'cancel':
      train(req, sink, 5);
      checkpoint(req, 5);
      sink.log('info', 'fake waiting for cancel');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      checkpoint(req, 6);
      return { status: 'KILLED', epochsCompleted: 0, steps: 6, bestValLoss: null, bestValAccuracy: null, evaluation: null, predictions: [], exportDir: null,
        wallSeconds: 0.5, secondsToBest: null, provider: 'cpu', labels: LABELS };
    default:
      return finished(req, sink);
  }
});
