// The worker that probes execution providers (provider-probe.ts) off the main thread: creating a
// session blocks its thread, and a GPU driver may take a while to answer. It answers one request
// (the provider names) with one reply (a ProviderProbe each) and is then stopped.
import * as ort from 'onnxruntime-node';
import { parentPort } from 'node:worker_threads';
import { type ProviderProbe, probeProvider } from './provider-probe.ts';
import type { ProviderName } from './providers.ts';

// A provider that does not start is the expected answer here, not an error for the terminal: each
// failure comes back as its probe's reason. (The level is onnxruntime's, for the process; it only
// ever writes to stderr, never to a run's log.)
ort.env.logLevel = 'fatal';

parentPort?.once('message', async ({ names }: { names: ProviderName[] }) => {
  const probes: ProviderProbe[] = [];
  for (const name of names) probes.push(await probeProvider(name));
  parentPort?.postMessage(probes);
});
