// A worker thread does not inherit the parent's tsx loader, so when Langlab runs from its
// TypeScript sources the scan worker is started through this plain module, which registers tsx
// in the worker and then imports the real entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
