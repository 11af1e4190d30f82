// The native file and folder picker behind `system.pickPath`: in the desktop app the user chooses
// paths in the system dialog; browser mode has no such dialog and shows a path field instead.
import type { OpenDialogOptions } from 'electron';
import type { PathPicker } from '../api/service-context.ts';
import type { OpenDialogLike, WindowLike } from './electron-like.ts';

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
