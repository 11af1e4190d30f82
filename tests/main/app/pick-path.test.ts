import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenDialogOptions } from 'electron';
import { createPathPicker } from '../../../main/app/pick-path.ts';
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
