import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { ProviderInfo } from '../../preload/contract.ts';
import type { ProviderProbe } from '../engine/runtime/provider-probe.ts';
import type { ProviderName } from '../engine/runtime/providers.ts';
import { PROVIDER_NAMES } from '../trainer/host/run-plan.ts';
import { workerEntry } from '../worker/entries.ts';
import { startWorker } from '../worker/start-worker.ts';

const require = createRequire(import.meta.url);

const LABELS: Record<string, string> = {
  cpu: 'CPU',
  cuda: 'NVIDIA CUDA',
  dml: 'DirectML (Windows)',
  coreml: 'Core ML (macOS)',
  webgpu: 'WebGPU',
};

/** The providers a run may ask for; onnxruntime-node's others (TensorRT) are not listed. */
const TRAINABLE: readonly string[] = PROVIDER_NAMES;

/** A GPU driver that hangs is not waited for longer than this. */
const PROBE_TIMEOUT_MS = 30_000;

/** The version of onnxruntime-node this build runs. */
export function onnxruntimeVersion(): string {
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

type Probe = (names: ProviderName[]) => Promise<ProviderProbe[]>;

/** Runs the probes in a worker thread (creating a session blocks the thread it runs on); never rejects. */
function probeInWorker(names: ProviderName[], timeoutMs = PROBE_TIMEOUT_MS): Promise<ProviderProbe[]> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startWorker(workerEntry('probe'));
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
    let done = false;
    function finish(result: ProviderProbe[] | Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    worker.once('message', (probes: ProviderProbe[]) => finish(probes));
    worker.once('error', (err) => finish(err instanceof Error ? err : new Error(String(err))));
    worker.once('exit', (code) => finish(new Error(`the check stopped (exit code ${code})`)));
    worker.postMessage({ names });
  });
}

function describe(name: ProviderName, probe: ProviderProbe | undefined, probeError: string | null): ProviderInfo {
  const base = { name, label: LABELS[name] ?? name, device: probe?.device ?? null };
  if (!probe) {
    return { ...base, status: 'unchecked', available: name === 'cpu', detail: `Could not be checked (${probeError ?? 'no answer'}); a run that asks for it falls back to the CPU if it does not start.` };
  }
  const note = probe.deviceNote ? ` Device named by the system: ${probe.deviceNote}.` : '';
  if (probe.usable) {
    const detail = name === 'cpu' ? 'Always available.' : `Ready: a session started on it here.${note}`;
    return { ...base, status: 'ready', available: true, detail };
  }
  const reason = probe.reason ?? `${base.label} did not start.`;
  if (!probe.installed) return { ...base, status: 'not-installed', available: false, detail: reason };
  return { ...base, status: 'unusable', available: false, detail: `${reason} A run that asks for it falls back to the CPU.${note}` };
}

/**
 * Lists the execution providers onnxruntime-node offers here that a run can ask for, each checked by
 * starting a session on it (in a worker), with the device behind it. `probe` is for tests.
 */
export async function checkExecutionProviders(probe: Probe = probeInWorker): Promise<ProviderInfo[]> {
  const ort = (await import('onnxruntime-node')) as typeof import('onnxruntime-node');
  const backends = ort.listSupportedBackends() as { name: string }[];
  const names = backends.map((b) => b.name).filter((n): n is ProviderName => TRAINABLE.includes(n));
  let probes: ProviderProbe[] = [];
  let probeError: string | null = null;
  try {
    probes = await probe(names);
  } catch (err) {
    probeError = err instanceof Error ? err.message : String(err);
  }
  return names.map((name) => describe(name, probes.find((p) => p.name === name), probeError));
}

let cached: Promise<ProviderInfo[]> | null = null;

/** The providers, checked once per process (a GPU does not come and go while Langlab runs). */
export function listExecutionProviders(): Promise<ProviderInfo[]> {
  cached ??= checkExecutionProviders();
  return cached;
}
