import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_CHANNEL, REQUEST_CHANNEL_PREFIX, REQUEST_NAMES, type Envelope } from '../../../preload/contract.ts';
import type { EventMessage } from '../../../preload/event-message.ts';
import { EventHub } from '../../../main/api/events.ts';
import {
  isTrustedSender,
  registerIpc,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type WindowContentsLike,
} from '../../../main/app/ipc.ts';

type Handler = (event: InvokeEventLike, args: unknown) => Promise<unknown>;

function setup() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      assert.ok(!handlers.has(channel), `${channel} registered twice`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const sent: { channel: string; message: EventMessage }[] = [];
  let destroyed = false;
  const contents: WindowContentsLike = { isDestroyed: () => destroyed, send: (channel, message) => void sent.push({ channel, message }) };
  const dispatched: { name: string; args: unknown }[] = [];
  const events = new EventHub();
  let windowOpen = true;
  const dispose = registerIpc({
    ipcMain,
    dispatch: async (name, args) => {
      dispatched.push({ name, args });
      return { ok: true, result: `did ${name}` };
    },
    events,
    contents: () => (windowOpen ? contents : undefined),
  });
  const mainFrame: FrameLike = { url: 'app://langlab/index.html#/runs', parent: null };
  const trusted: InvokeEventLike = { sender: contents, senderFrame: mainFrame };
  return {
    handlers, sent, dispatched, events, dispose, contents, trusted, mainFrame,
    destroy: () => (destroyed = true),
    closeWindow: () => (windowOpen = false),
    invoke: (name: string, event: InvokeEventLike, args: unknown = {}) => handlers.get(REQUEST_CHANNEL_PREFIX + name)!(event, args),
  };
}

test('one handler per contract request, on the prefixed channel, and nothing else', () => {
  const { handlers } = setup();
  assert.deepEqual([...handlers.keys()].sort(), REQUEST_NAMES.map((n) => REQUEST_CHANNEL_PREFIX + n).sort());
});

test('a request from the app window reaches dispatch with its raw arguments', async () => {
  const { invoke, trusted, dispatched } = setup();
  assert.deepEqual(await invoke('runs.get', trusted, { id: 7 }), { ok: true, result: 'did runs.get' });
  assert.deepEqual(dispatched, [{ name: 'runs.get', args: { id: 7 } }]);
});

test('requests from anything but the main frame of our app page are refused before dispatch', async () => {
  const s = setup();
  const refusals: InvokeEventLike[] = [
    { sender: s.contents, senderFrame: null },
    { sender: s.contents, senderFrame: { url: 'app://langlab/frame.html', parent: s.mainFrame } },
    { sender: s.contents, senderFrame: { url: 'https://example.com/', parent: null } },
    { sender: s.contents, senderFrame: { url: 'file:///app/out/renderer/index.html', parent: null } },
    { sender: s.contents, senderFrame: { url: 'app://other/index.html', parent: null } },
    { sender: { another: 'window' }, senderFrame: s.mainFrame },
  ];
  for (const event of refusals) {
    const answer = (await s.invoke('app.info', event)) as Envelope<unknown>;
    assert.equal(answer.ok, false);
    assert.equal(!answer.ok && answer.error.code, 'FORBIDDEN');
    assert.match(!answer.ok ? answer.error.message : '', /refused/);
  }
  assert.deepEqual(s.dispatched, []);
});

test('no window, or a destroyed one, trusts nobody', () => {
  const s = setup();
  assert.equal(isTrustedSender(s.trusted, undefined), false);
  s.destroy();
  assert.equal(isTrustedSender(s.trusted, s.contents), false);
});

test('backend events reach the window on the event channel while it is open', () => {
  const s = setup();
  s.events.emit('store.changed', { what: 'runs', id: 3 });
  s.destroy();
  s.events.emit('store.changed', { what: 'datasets' });
  assert.deepEqual(s.sent, [{ channel: EVENT_CHANNEL, message: { name: 'store.changed', payload: { what: 'runs', id: 3 } } }]);
});

test('dispose removes every handler and stops event forwarding', () => {
  const s = setup();
  s.dispose();
  assert.equal(s.handlers.size, 0);
  s.events.emit('app.log', { level: 'info', message: 'x', time: 0 });
  assert.deepEqual(s.sent, []);
});
