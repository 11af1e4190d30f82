// Worker threads for long work (training, prediction, dataset scans), started the same way whether
// Langlab runs from its TypeScript sources or from a bundle.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = new URL('./ts-bootstrap.mjs', import.meta.url);

/** A module path or file URL as a URL. */
export function moduleUrl(entry: string | URL): URL {
  if (entry instanceof URL) return entry;
  return entry.startsWith('file:') ? new URL(entry) : pathToFileURL(entry);
}

/** A worker thread running `entry`; a .ts entry goes through the tsx bootstrap (workers do not inherit loaders). */
export function startWorker(entry: string | URL): Worker {
  const url = moduleUrl(entry);
  // Workers inherit the parent's flags; --input-type (a parent started with -e) makes a file entry fail.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  return url.pathname.endsWith('.ts') ? new Worker(BOOTSTRAP, { workerData: { entry: url.href }, execArgv }) : new Worker(url, { execArgv });
}
