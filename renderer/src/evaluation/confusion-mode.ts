const KEY = 'langlab.confusion.normalised';

/** Whether the confusion matrix shows row-normalised shares; remembered across runs and restarts. */
export function loadNormalised(): boolean {
  try {
    return localStorage.getItem(KEY) === 'true';
  } catch {
    return false;
  }
}

export function saveNormalised(value: boolean): void {
  try {
    localStorage.setItem(KEY, String(value));
  } catch {
    // Storage can be unavailable (private windows); the toggle still works for this page.
  }
}
