import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hardenWebContents, type ContentsLike, type PreventableEvent } from '../../../main/app/harden-contents.ts';

type Listener = (event: PreventableEvent, url: string) => void;

/** A page that records the handlers installed on it. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: ContentsLike = {
    on(event: string, listener: Listener) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  const fire = (name: string, url = '') => {
    let prevented = false;
    listeners.get(name)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler?.({ url }), has: (name: string) => listeners.has(name) };
}

function harden() {
  const opened: string[] = [];
  const page = fakeContents();
  hardenWebContents(page.contents, async (url) => void opened.push(url));
  return { ...page, opened };
}

test('navigation inside the app is allowed; anywhere else is denied', () => {
  const { fire, opened } = harden();
  assert.equal(fire('will-navigate', 'app://langlab/index.html#/runs'), false);
  assert.equal(fire('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(fire('will-navigate', 'app://evil/index.html'), true);
  assert.equal(fire('will-navigate', 'javascript:alert(1)'), true);
  assert.equal(fire('will-navigate', 'https://example.com/'), true);
  // A clicked web link still reaches the user, in the system browser.
  assert.deepEqual(opened, ['https://example.com/']);
});

test('redirects away from the app are denied', () => {
  const { fire, opened } = harden();
  assert.equal(fire('will-redirect', 'https://example.com/'), true);
  assert.equal(fire('will-redirect', 'app://langlab/index.html'), false);
  assert.deepEqual(opened, []);
});

test('new windows are always denied; only http(s) links go to the system browser', () => {
  const { open, opened } = harden();
  for (const url of ['https://onnxruntime.ai/', 'http://example.com/', 'file:///etc/passwd', 'app://langlab/index.html', 'smb://x/y']) {
    assert.deepEqual(open(url), { action: 'deny' }, url);
  }
  assert.deepEqual(opened, ['https://onnxruntime.ai/', 'http://example.com/']);
});

test('webviews can never be attached', () => {
  const { fire, has } = harden();
  assert.ok(has('will-attach-webview'));
  assert.equal(fire('will-attach-webview'), true);
});
