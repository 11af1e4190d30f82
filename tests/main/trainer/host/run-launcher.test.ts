import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EnginePort } from '../../../../main/trainer/host/engine-port.ts';
import type { FromEngine, ToEngine, TrainOutcome, TrainRequest } from '../../../../main/trainer/host/protocol.ts';
import { RunLauncher } from '../../../../main/trainer/host/run-launcher.ts';

/** An engine process in memory: the test plays the engine's side. */
class MemoryPort implements EnginePort {
  readonly sent: ToEngine[] = [];
  killed = 0;
  #message: (m: FromEngine) => void = () => {};
  #exit: (error: string | null) => void = () => {};
  send(message: ToEngine): void {
    this.sent.push(message);
  }
  onMessage(listener: (m: FromEngine) => void): void {
    this.#message = listener;
  }
  onExit(listener: (error: string | null) => void): void {
    this.#exit = listener;
  }
  kill(): void {
    this.killed++;
  }
  reply(m: FromEngine): void {
    this.#message(m);
  }
  exit(error: string | null): void {
    this.#exit(error);
  }
}

const request = { runId: 1 } as TrainRequest;
const outcome = { status: 'FINISHED', steps: 3 } as TrainOutcome;

function launch(cancelGraceMs = 1000) {
  const port = new MemoryPort();
  const calls: unknown[][] = [];
  // As the run manager does: an ended run settles its launcher.
  const launcher: RunLauncher = new RunLauncher({ spawn: () => port, entry: 'engine.ts', cancelGraceMs }, {
    progress: (p) => calls.push(['progress', p.step]),
    metrics: (points) => calls.push(['metrics', points.length]),
    log: (level, message) => calls.push(['log', level, message]),
    device: (provider, reason) => calls.push(['device', provider, reason]),
    done: (o) => calls.push(['done', o.steps]),
    ended: (status, error) => (calls.push(['ended', status, error]), launcher.settle()),
  });
  launcher.start(request);
  return { port, calls, launcher };
}

test('the engine is sent its request, and its messages become calls until its outcome arrives', () => {
  const { port, calls } = launch();
  assert.deepEqual(port.sent, [{ type: 'start', request }]);
  port.reply({ type: 'progress', progress: { step: 2 } as never });
  port.reply({ type: 'metrics', points: [{ key: 'train_loss', value: 1, step: 2, epoch: 0.5 }] });
  port.reply({ type: 'log', level: 'warn', message: 'slow' });
  port.reply({ type: 'device', provider: 'cpu', fallbackReason: 'WebGPU could not start; using CPU.' });
  port.reply({ type: 'done', outcome });
  assert.equal(port.killed, 1, 'the process is stopped once the trainer returned');
  port.reply({ type: 'log', level: 'info', message: 'late' });
  port.exit(null);
  assert.deepEqual(calls, [['progress', 2], ['metrics', 1], ['log', 'warn', 'slow'], ['device', 'cpu', 'WebGPU could not start; using CPU.'], ['done', 3]]);
});

test('a failure ends the run FAILED with its message; a cancelled trainer ends it KILLED', () => {
  const failing = launch();
  failing.port.reply({ type: 'failed', code: 'TRAINING_FAILED', message: 'Loss became NaN' });
  assert.deepEqual(failing.calls, [['ended', 'FAILED', 'Loss became NaN']]);
  assert.equal(failing.port.killed, 1);
  const cancelled = launch();
  cancelled.port.reply({ type: 'failed', code: 'CANCELLED', message: 'Cancelled' });
  assert.deepEqual(cancelled.calls, [['ended', 'KILLED', undefined]]);
});

test('a process that stops on its own ends the run FAILED; while cancelling, KILLED with a warning', () => {
  const crashed = launch();
  crashed.port.exit('exit code 7');
  assert.equal(crashed.calls.length, 1);
  assert.match(String(crashed.calls[0][2]), /engine process stopped unexpectedly \(exit code 7\)/);
  const cancelling = launch();
  cancelling.launcher.cancel();
  cancelling.port.exit(null);
  assert.deepEqual(cancelling.calls, [['log', 'warn', 'The engine process stopped while cancelling (stopped).'], ['ended', 'KILLED', undefined]]);
});

test('cancel is sent once; an engine that does not stop within the grace period is stopped and the run ends KILLED', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { port, calls, launcher } = launch(5000);
  launcher.cancel();
  launcher.cancel();
  assert.deepEqual(port.sent.slice(1), [{ type: 'cancel' }]);
  assert.equal(launcher.cancelRequested, true);
  t.mock.timers.tick(4999);
  assert.deepEqual(calls, []);
  t.mock.timers.tick(1);
  assert.equal(port.killed, 1);
  assert.deepEqual(calls.map((c) => c[0]), ['log', 'ended']);
  assert.match(String(calls[0][2]), /did not stop within 5 s/);
});

test('a run settled before the grace period ends is not stopped again', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { port, calls, launcher } = launch(5000);
  launcher.cancel();
  port.reply({ type: 'done', outcome: { ...outcome, status: 'KILLED' } });
  launcher.settle();
  t.mock.timers.tick(10_000);
  assert.equal(port.killed, 1);
  assert.deepEqual(calls, [['done', 3]]);
});

test('an engine that cannot be spawned ends the run FAILED saying why', () => {
  const calls: unknown[][] = [];
  const launcher = new RunLauncher({ spawn: () => { throw new Error('no utilityProcess'); }, entry: 'engine.ts', cancelGraceMs: 1000 }, {
    progress: () => {}, metrics: () => {}, log: () => {}, device: () => {}, done: () => {},
    ended: (status, error) => calls.push([status, error]),
  });
  launcher.start(request);
  assert.deepEqual(calls, [['FAILED', 'The engine process could not start: no utilityProcess']]);
  launcher.kill();
});
