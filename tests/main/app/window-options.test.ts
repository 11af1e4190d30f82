import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mainWindowOptions, secureWebPreferences } from '../../../main/app/window-options.ts';

const options = mainWindowOptions({ preloadPath: '/app/out/electron/preload.cjs', dark: false, devTools: false });
const prefs = options.webPreferences ?? {};

test('the window renderer is isolated and sandboxed, with no Node anywhere', () => {
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
});

test('web security stays on: no insecure content, no webviews, no experimental features', () => {
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.experimentalFeatures, false);
  assert.equal(prefs.navigateOnDragDrop, false);
  assert.equal(prefs.enableBlinkFeatures, undefined);
  // Spellcheck would fetch dictionaries from a remote server.
  assert.equal(prefs.spellcheck, false);
});

test('the preload is the bundled CommonJS file, and devtools follow the packaging state', () => {
  assert.equal(prefs.preload, '/app/out/electron/preload.cjs');
  assert.equal(prefs.devTools, false);
  assert.equal(secureWebPreferences('/p.cjs', true).devTools, true);
});

test('the window waits for its first paint and matches the system theme', () => {
  assert.equal(options.show, false);
  assert.equal(options.title, 'Langlab');
  assert.notEqual(options.backgroundColor, mainWindowOptions({ preloadPath: '/p', dark: true, devTools: false }).backgroundColor);
  assert.equal(options.icon, undefined);
  assert.equal(mainWindowOptions({ preloadPath: '/p', iconPath: '/i.png', dark: true, devTools: false }).icon, '/i.png');
});
