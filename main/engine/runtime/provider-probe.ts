// Whether an execution provider can really run here, and on which device. onnxruntime-node lists
// the providers its build contains (listSupportedBackends), not whether a GPU, its driver or the
// CUDA libraries are present: only starting a session on a one-node model tells. Creating a
// session blocks the thread it runs on, so the app calls this from a worker (probe-entry.ts).
import * as ort from 'onnxruntime-node';
import os from 'node:os';
import { Graph } from '../graph/graph.ts';
import { toOnnx } from '../graph/serialize.ts';
import { gpuNames } from './gpu-names.ts';
import { cleanReason, type ProviderName, providerLabel } from './providers.ts';

/** What a probe found for one provider. */
export interface ProviderProbe {
  name: ProviderName;
  /** A session started on it and ran. */
  usable: boolean;
  /** Its libraries loaded (false: a shared library is missing, as CUDA's are until `npm run setup:cuda`). */
  installed: boolean;
  /** The device behind it when one is known: the CPU's model, the GPU's name. */
  device: string | null;
  /** Why it cannot be used here, one sentence (null when usable). */
  reason: string | null;
  /** Where `device` comes from when onnxruntime-node itself does not say (null when it is exact). */
  deviceNote: string | null;
}

let model: Uint8Array | null = null;

/** y = x + x: one node every provider implements. */
function tinyModel(): Uint8Array {
  if (!model) {
    const g = new Graph({ name: 'probe' });
    const x = g.input('x', 'float32', [1, 4]);
    g.output(g.Add(x, x), 'y');
    model = toOnnx(g);
  }
  return model;
}

function explain(name: ProviderName, reason: string): string {
  if (name === 'cuda' && /shared library/i.test(reason)) {
    return 'Its libraries are not installed: run `npm run setup:cuda` (Linux x64, online) and restart Langlab';
  }
  if (name === 'webgpu' && /adapter/i.test(reason)) return `No usable GPU adapter (${reason})`;
  return `${providerLabel(name)} did not start (${reason})`;
}

/** Starts a session on `name` alone (no CPU fallback) and runs it once. Never throws. */
export async function probeProvider(name: ProviderName): Promise<ProviderProbe> {
  if (name === 'cpu') {
    const cpus = os.cpus();
    const device = cpus.length ? `${cpus[0].model.trim()} (${os.availableParallelism()} threads)` : null;
    return { name, usable: true, installed: true, device, reason: null, deviceNote: null };
  }
  let usable = false;
  let installed = true;
  let reason: string | null = null;
  try {
    const session = await ort.InferenceSession.create(tinyModel(), { executionProviders: [name], logSeverityLevel: 4 });
    try {
      await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
      usable = true;
    } finally {
      await session.release();
    }
  } catch (err) {
    const message = cleanReason(err instanceof Error ? err.message : String(err));
    installed = !/shared library/i.test(message);
    reason = explain(name, message);
  }
  const found = await gpuNames(name);
  const device = found.names.length ? found.names.join(', ') : null;
  return {
    name,
    usable,
    installed,
    device,
    reason: usable ? null : `${reason ?? `${providerLabel(name)} did not start`}.`,
    deviceNote: device ? found.note : null,
  };
}
