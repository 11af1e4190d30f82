import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { createPathPicker, createSavePathPicker } from '../../../main/app/pick-path.ts';
import type { WindowLike } from '../../../main/app/electron-like.ts';

test('the picker opens the system dialog with the right properties while the window is open', async () => {
  const calls: { options: OpenDialogOptions }[] = [];
  const answers = [
    { canceled: false, filePaths: ['/data/a', '/data/b'] },
    { canceled: true, filePaths: [] },
  ];
  const dialog = {
    showOpenDialog: async (options: OpenDialogOptions) => {
      calls.push({ options });
      return answers.shift()!;
    },
  };
  const window = { isDestroyed: () => false } as unknown as WindowLike;
  const pick = createPathPicker(dialog, () => window);
  assert.deepEqual(await pick('folders', 'Folders of code'), ['/data/a', '/data/b']);
  assert.deepEqual(calls[0].options.properties, ['openDirectory', 'multiSelections']);
  assert.equal(calls[0].options.title, 'Folders of code');
  assert.deepEqual(await pick('file'), [], 'a dismissed dialog picks nothing');
  assert.deepEqual(calls[1].options.properties, ['openFile']);
  assert.ok(calls[1].options.filters?.some((f) => f.extensions.includes('jsonl')));
  assert.deepEqual(await createPathPicker(dialog, () => undefined)('folder'), [], 'no window, no dialog');
});

test('the save picker offers the export under its name and format, and answers null when dismissed or windowless', async () => {
  const calls: SaveDialogOptions[] = [];
  const answers = [{ canceled: false, filePath: '/data/out.csv' }, { canceled: true }];
  const dialog = {
    showSaveDialog: async (options: SaveDialogOptions) => {
      calls.push(options);
      return answers.shift()!;
    },
  };
  const window = { isDestroyed: () => false } as unknown as WindowLike;
  const pick = createSavePathPicker(dialog, () => window);
  const request = { title: 'Export', defaultName: 'repo-classified-3.csv', filter: { name: 'CSV', extensions: ['csv'] } };
  assert.equal(await pick(request), '/data/out.csv');
  assert.equal(calls[0].defaultPath, 'repo-classified-3.csv');
  assert.deepEqual(calls[0].filters?.[0], { name: 'CSV', extensions: ['csv'] });
  assert.equal(await pick(request), null);
  assert.equal(await createSavePathPicker(dialog, () => undefined)(request), null);
  assert.equal(calls.length, 2, 'no window, no dialog');
});
