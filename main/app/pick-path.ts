// The native file and folder pickers behind `system.pickPath` and the exports' save dialog: in the
// desktop app the user chooses paths in the system dialog; browser mode has no such dialog and
// shows a path field (or downloads the file) instead.
import type { OpenDialogOptions } from 'electron';
import type { PathPicker, SavePathPicker } from '../api/service-context.ts';
import type { OpenDialogLike, SaveDialogLike, WindowLike } from './electron-like.ts';

const FILE_FILTERS = [
  { name: 'Tables (CSV, JSONL)', extensions: ['csv', 'jsonl', 'ndjson'] },
  { name: 'All files', extensions: ['*'] },
];

/** A picker that opens the system dialog while the app window is open. */
export function createPathPicker(dialog: OpenDialogLike, window: () => WindowLike | undefined): PathPicker {
  return async (kind, title) => {
    if (!window()) return [];
    const properties: OpenDialogOptions['properties'] =
      kind === 'file' ? ['openFile'] : kind === 'folders' ? ['openDirectory', 'multiSelections'] : ['openDirectory'];
    const result = await dialog.showOpenDialog({
      title: title ?? (kind === 'file' ? 'Choose a file' : 'Choose a folder'),
      properties,
      filters: kind === 'file' ? FILE_FILTERS : undefined,
    });
    return result.canceled ? [] : result.filePaths;
  };
}

/** A save picker that opens the system's save dialog while the app window is open; null when dismissed. */
export function createSavePathPicker(dialog: SaveDialogLike, window: () => WindowLike | undefined): SavePathPicker {
  return async ({ title, defaultName, filter }) => {
    if (!window()) return null;
    const result = await dialog.showSaveDialog({ title, defaultPath: defaultName, filters: [filter, { name: 'All files', extensions: ['*'] }] });
    return result.canceled || !result.filePath ? null : result.filePath;
  };
}
