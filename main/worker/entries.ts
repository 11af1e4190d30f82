// Every module that runs in a thread or process of its own, from one table (entries.json) that the
// bundler (scripts/build-electron.mjs) and the runtime both read; the packaging config ships the
// bundles with the rest of out/. From the sources (dev, tests, the CLI) an entry is its TypeScript
// file, started through the tsx bootstrap; in the app this module sits inside a bundle in
// out/electron, and the entry is its own bundle beside it.
import table from './entries.json' with { type: 'json' };

export type WorkerName = keyof typeof table;

const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** The module the worker `name` runs, as a file URL. */
export function workerEntry(name: WorkerName): URL {
  const { source, bundle } = table[name];
  return FROM_SOURCES ? new URL(`../../${source}`, import.meta.url) : new URL(`./${bundle}`, import.meta.url);
}
