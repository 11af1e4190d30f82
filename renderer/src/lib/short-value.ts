/** How many characters of a long value a table shows; the rest is in the tooltip and on copy. */
const SHOWN = 12;

/**
 * A value as a narrow table cell shows it: the first 12 characters and an ellipsis. A 64-character
 * fingerprint would otherwise make a column as wide as the window.
 */
export function shortValue(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

/**
 * A copy handler for a table whose cells show short values: every shortened cell (marked with
 * `data-full`) that the selection touches is copied whole, not as its shown prefix.
 */
export function copyFullValues(event: ClipboardEvent): void {
  const selection = window.getSelection();
  const table = event.currentTarget;
  if (!selection || selection.isCollapsed || !(table instanceof HTMLElement) || !event.clipboardData) return;
  const cells = [...table.querySelectorAll<HTMLElement>('[data-full]')].filter((cell) => selection.containsNode(cell, true));
  if (cells.length === 0) return;
  let text = selection.toString();
  // A selection inside one cell copies that cell's value, however little of it was selected.
  if (cells.length === 1 && cells[0].contains(selection.anchorNode) && cells[0].contains(selection.focusNode)) text = cells[0].dataset.full ?? text;
  else for (const cell of cells) text = text.replace(cell.textContent ?? '', cell.dataset.full ?? '');
  event.clipboardData.setData('text/plain', text);
  event.preventDefault();
}
