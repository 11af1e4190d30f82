import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_CHANNEL, EVENT_NAMES, REQUEST_CHANNEL_PREFIX, REQUEST_NAMES, type Envelope } from '../../preload/contract.ts';
import { createIpcBridge, type IpcRendererLike } from '../../preload/bridge-factory.ts';
import { BridgeError } from '../../renderer/src/lib/bridge-error.ts';
import { bridgeFromIpc } from '../../renderer/src/lib/electron-transport.ts';

/** A stand-in for ipcRenderer: records invokes, answers from a table, lets the test emit events. */
function fakeIpc(answer: (channel: string, args: unknown) => unknown = () => ({ ok: true, result: null })) {
  const invokes: { channel: string; args: unknown }[] = [];
  const listeners = new Map<string, ((event: unknown, message: unknown) => void)[]>();
  const ipc: IpcRendererLike = {
    async invoke(channel, args) {
      invokes.push({ channel, args });
      return answer(channel, args);
    },
    on(channel, listener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
  };
  const emit = (message: unknown) => {
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener({}, message);
  };
  return { ipc, invokes, listeners, emit };
}

test('every contract request and event has a function, and nothing else is exposed', () => {
  const bridge = createIpcBridge(fakeIpc().ipc);
  assert.equal(bridge.transport, 'electron');
  assert.deepEqual(Object.keys(bridge).sort(), ['events', 'pathOfDropped', 'request', 'transport']);
  assert.deepEqual(Object.keys(bridge.request).sort(), [...REQUEST_NAMES].sort());
  assert.deepEqual(Object.keys(bridge.events).sort(), [...EVENT_NAMES].sort());
  for (const name of REQUEST_NAMES) assert.equal(typeof bridge.request[name], 'function');
  for (const name of EVENT_NAMES) assert.equal(typeof bridge.events[name], 'function');
  assert.ok(Object.isFrozen(bridge) && Object.isFrozen(bridge.request) && Object.isFrozen(bridge.events));
});

test('a request invokes its own channel with the arguments and resolves to the envelope', async () => {
  const { ipc, invokes } = fakeIpc((channel) => ({ ok: true, result: { page: channel } }) satisfies Envelope<unknown>);
  const bridge = createIpcBridge(ipc);
  const page = await bridge.request['runs.list']({ text: 'bert', limit: 5 });
  assert.deepEqual(page, { ok: true, result: { page: `${REQUEST_CHANNEL_PREFIX}runs.list` } });
  assert.deepEqual(invokes, [{ channel: 'langlab:runs.list', args: { text: 'bert', limit: 5 } }]);
});

test('a failed request resolves to its error envelope, and the renderer unwraps it with the code kept', async () => {
  const { ipc } = fakeIpc(() => ({ ok: false, error: { code: 'NOT_FOUND', message: 'Run 42 does not exist.' } }));
  const bridge = bridgeFromIpc(createIpcBridge(ipc));
  assert.equal(bridge.transport, 'electron');
  await assert.rejects(bridge.request['runs.get']({ id: 42 }), (err: unknown) => {
    assert.ok(err instanceof BridgeError);
    assert.equal(err.message, 'Run 42 does not exist.');
    assert.equal(err.code, 'NOT_FOUND');
    return true;
  });
});

test('a malformed answer from main is an error in the renderer, not a silent undefined', async () => {
  const bridge = bridgeFromIpc(createIpcBridge(fakeIpc(() => 'nonsense').ipc));
  await assert.rejects(bridge.request['app.info']({}), /malformed answer/);
});

test('one IPC listener fans events out to subscribers, and unsubscribe stops delivery', () => {
  const { ipc, emit, listeners } = fakeIpc();
  const bridge = createIpcBridge(ipc);
  assert.deepEqual([...listeners.keys()], [EVENT_CHANNEL]);
  assert.equal(listeners.get(EVENT_CHANNEL)?.length, 1);

  const seen: string[] = [];
  const stopA = bridge.events['store.changed']((p) => seen.push(`a:${p.what}`));
  bridge.events['store.changed']((p) => seen.push(`b:${p.what}`));
  bridge.events['app.log']((p) => seen.push(`log:${p.message}`));
  emit({ name: 'store.changed', payload: { what: 'runs', id: 1 } });
  emit({ name: 'app.log', payload: { level: 'info', message: 'hi', time: 0 } });
  stopA();
  emit({ name: 'store.changed', payload: { what: 'datasets' } });
  assert.deepEqual(seen, ['a:runs', 'b:runs', 'log:hi', 'b:datasets']);
  // Subscribing never adds IPC listeners: the page cannot grow main's listener list.
  assert.equal(listeners.get(EVENT_CHANNEL)?.length, 1);
});

test('unknown or malformed event messages are ignored, and a throwing listener does not stop others', (t) => {
  t.mock.method(console, 'error', () => undefined);
  const { ipc, emit } = fakeIpc();
  const bridge = createIpcBridge(ipc);
  const seen: unknown[] = [];
  bridge.events['app.log'](() => {
    throw new Error('listener bug');
  });
  bridge.events['app.log']((p) => seen.push(p.message));
  emit(null);
  emit({ name: 'not.an.event', payload: {} });
  emit({ name: 'app.log', payload: { level: 'warn', message: 'still heard', time: 1 } });
  assert.deepEqual(seen, ['still heard']);
});

test("a dropped file's path comes from the preload's webUtils; no path (or a failing lookup) is null in the page", () => {
  const seen: unknown[] = [];
  const ipcBridge = createIpcBridge(fakeIpc().ipc, (file) => {
    seen.push(file);
    if (file === 'constructed') return '';
    if (file === 'not a file') throw new TypeError('not a File');
    return '/home/me/src/project';
  });
  const bridge = bridgeFromIpc(ipcBridge);
  assert.equal(bridge.pathOfDropped('dropped'), '/home/me/src/project');
  assert.equal(bridge.pathOfDropped('constructed'), null);
  assert.equal(bridge.pathOfDropped('not a file'), null);
  assert.deepEqual(seen, ['dropped', 'constructed', 'not a file']);
  assert.equal(bridgeFromIpc(createIpcBridge(fakeIpc().ipc)).pathOfDropped('x'), null, 'without webUtils nothing is answered');
});
