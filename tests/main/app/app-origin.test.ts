import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_START_URL, isAppUrl, isExternalWebUrl } from '../../../main/app/app-origin.ts';

test('only the app:// host of the app counts as the app', () => {
  assert.equal(APP_START_URL, 'app://langlab/index.html');
  assert.equal(isAppUrl(APP_START_URL), true);
  assert.equal(isAppUrl('app://langlab/assets/index.js#/runs'), true);
  for (const url of [
    'app://other/index.html',
    'app://langlab:8080/index.html',
    'app://user@langlab/index.html',
    'file:///app/out/renderer/index.html',
    'https://langlab/index.html',
    'http://127.0.0.1:7755/',
    'javascript:alert(1)',
    'not a url',
    '',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('only http and https links may go to the system browser', () => {
  assert.equal(isExternalWebUrl('https://huggingface.co/huggingface/CodeBERTa-small-v1'), true);
  assert.equal(isExternalWebUrl('http://example.com/'), true);
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://langlab/', 'smb://host/share', 'mailto:a@b.c', 'nope']) {
    assert.equal(isExternalWebUrl(url), false, url);
  }
});
