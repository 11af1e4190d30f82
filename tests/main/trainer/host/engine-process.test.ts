import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { utilityProcessSpawner, type UtilityChildLike } from '../../../../main/app/engine-process.ts';
import type { FromEngine } from '../../../../main/trainer/host/protocol.ts';

class FakeChild extends EventEmitter implements UtilityChildLike {
  sent: unknown[] = [];
  killed = false;
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 15);
    return true;
  }
}

test('the utilityProcess spawner forks the entry and carries the engine protocol both ways', () => {
  const forks: { path: string; child: FakeChild }[] = [];
  const spawn = utilityProcessSpawner({
    fork(modulePath) {
      const child = new FakeChild();
      forks.push({ path: modulePath, child });
      return child;
    },
  });
  const port = spawn('file:///app/out/electron/engine.mjs');
  assert.equal(forks[0].path, '/app/out/electron/engine.mjs');
  port.send({ type: 'cancel' });
  assert.deepEqual(forks[0].child.sent, [{ type: 'cancel' }]);
  const got: FromEngine[] = [];
  port.onMessage((m) => got.push(m));
  forks[0].child.emit('message', { type: 'log', level: 'info', message: 'hi' });
  assert.deepEqual(got, [{ type: 'log', level: 'info', message: 'hi' }]);

  const exits: (string | null)[] = [];
  port.onExit((e) => exits.push(e));
  forks[0].child.emit('error', 'FatalError', 'v8::OOM', '{}');
  forks[0].child.emit('exit', 134);
  assert.deepEqual(exits, ['FatalError at v8::OOM']);

  const second = spawn('/app/engine.mjs');
  const secondExits: (string | null)[] = [];
  second.onExit((e) => secondExits.push(e));
  second.kill();
  assert.equal(forks[1].child.killed, true);
  assert.deepEqual(secondExits, [null], 'a kill is not reported as a crash');
});

test('a packaged engine entry is forked by its file path, spaces decoded', () => {
  const paths: string[] = [];
  const spawn = utilityProcessSpawner({
    fork(modulePath) {
      paths.push(modulePath);
      return new FakeChild();
    },
  });
  spawn('file:///opt/My%20Apps/Langlab/resources/app.asar.unpacked/out/electron/engine.mjs');
  spawn('/opt/Langlab/resources/app.asar.unpacked/out/electron/engine.mjs');
  assert.deepEqual(paths, [
    '/opt/My Apps/Langlab/resources/app.asar.unpacked/out/electron/engine.mjs',
    '/opt/Langlab/resources/app.asar.unpacked/out/electron/engine.mjs',
  ]);
});
