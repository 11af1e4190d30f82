// Every module that runs in a thread or process of its own, from one table (entries.json) that the
// bundler (scripts/build-electron.mjs) and the runtime both read; the packaging config ships the
// bundles with the rest of out/. From the sources (dev, tests, the CLI) an entry is its TypeScript
// file, started through the tsx bootstrap; in the app this module sits inside a bundle in
// out/electron, and the entry is its own bundle beside it. A packaged app keeps out/ inside
// app.asar, but unpacks the worker bundles (electron-builder.yml's asarUnpack): a worker thread or
// utilityProcess must start from app.asar.unpacked, where the native modules it imports are.
import table from './entries.json' with { type: 'json' };

export type WorkerName = keyof typeof table;

/** The module the worker `name` runs, as a file URL. */
export function workerEntry(name: WorkerName): URL {
  return entryFor(name, import.meta.url);
}

/** `workerEntry` for a given location of this module (a .ts source or a bundle); tests pass fake ones. */
export function entryFor(name: WorkerName, here: string): URL {
  const { source, bundle } = table[name];
  return here.endsWith('.ts') ? new URL(`../../${source}`, here) : outsideAsar(new URL(`./${bundle}`, here));
}

/**
 * The same file in the folder electron-builder unpacks the archive's unpacked files to: the first
 * path segment named exactly `app.asar` becomes `app.asar.unpacked`. Any other URL is returned as is.
 */
export function outsideAsar(url: URL): URL {
  const segments = url.pathname.split('/');
  const at = segments.indexOf('app.asar');
  if (url.protocol !== 'file:' || at < 0) return url;
  segments[at] = 'app.asar.unpacked';
  const mapped = new URL(url.href);
  mapped.pathname = segments.join('/');
  return mapped;
}
