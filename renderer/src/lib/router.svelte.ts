/** The app's sections, in sidebar order. */
export const SECTIONS = [
  { id: 'datasets', label: 'Datasets' },
  { id: 'runs', label: 'Runs' },
  { id: 'compare', label: 'Compare' },
  { id: 'sweeps', label: 'Sweeps' },
  { id: 'classify', label: 'Classify' },
  { id: 'about', label: 'About' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

/** Hash-based location (`#/runs/12?tab=eval`): survives reloads and works under app:// and http://. */
class Router {
  #path = $state(readHash());

  constructor() {
    window.addEventListener('hashchange', () => (this.#path = readHash()));
  }

  /** Path segments after the section, e.g. ['12'] for #/runs/12. */
  get segments(): string[] {
    return this.#path.split('?')[0].split('/').filter(Boolean).slice(1);
  }

  get section(): SectionId {
    const first = this.#path.split('?')[0].split('/').filter(Boolean)[0];
    return SECTIONS.some((s) => s.id === first) ? (first as SectionId) : 'datasets';
  }

  get query(): URLSearchParams {
    return new URLSearchParams(this.#path.split('?')[1] ?? '');
  }

  go(path: string): void {
    window.location.hash = '#' + path;
  }
}

function readHash(): string {
  return window.location.hash.replace(/^#/, '') || '/datasets';
}

export const router = new Router();
