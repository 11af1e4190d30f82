// A worker thread does not inherit the parent's tsx loader, so a TypeScript worker entry is loaded
// through this plain module: it registers tsx in the worker, then imports the real entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
