import * as ort from 'onnxruntime-node';
import { type ProviderName, cleanReason, listProviders, providerLabel } from './providers.ts';

export interface SessionConfig {
  /** Preferred execution provider; falls back to CPU with a message when it cannot be used. */
  provider?: ProviderName;
  /** Threads for one op (intra-op); default: onnxruntime's choice (all cores). */
  intraOpNumThreads?: number;
  /** Extra onnxruntime session options (advanced). */
  extra?: ort.InferenceSession.SessionOptions;
  /**
   * Outputs to leave in device memory when the provider can keep tensors there between runs
   * (WebGPU's gpu-buffer outputs, fed back as inputs). Ignored on every other provider.
   */
  deviceOutputs?: readonly string[];
}

/** Whether a provider can hand outputs back as device tensors that later runs take as inputs. */
export function keepsTensorsOnDevice(provider: ProviderName): boolean {
  return provider === 'webgpu';
}

export interface CreatedSession {
  session: ort.InferenceSession;
  /** The provider actually used. */
  provider: ProviderName;
  /** Why the requested provider was not used (null when it was). */
  fallbackReason: string | null;
}

/**
 * Every session keeps its tensors in onnxruntime's CPU memory arena. Without it each activation
 * is a fresh allocation, and glibc hands large ones back to the system when they are freed, so
 * every step faults its pages in again; on the virtual machines measured a page fault costs tens of
 * microseconds. Measured with the engine benchmark's worker (`node --expose-gc --import tsx
 * bench/engine-worker.ts <config> 2`, quiet 2-core machine), arena off against on: RoBERTa
 * freeze-2 from the frozen-layer cache at sequence 256, 7.38 -> 16.37 samples/s (peak 1,635 ->
 * 1,812 MB); the same without the cache 3.75 -> 7.08 (1,644 -> 1,548 MB); at sequence 512
 * 1.26 -> 3.32 (2,819 -> 2,630 MB); the sequence-512 forward pass 2.81 -> 5.15 (1,332 -> 1,316 MB).
 * (An earlier rule, measured on an older engine, turned it off for models over 64 MB.)
 */
export const ENABLE_CPU_MEM_ARENA = true;

/**
 * onnxruntime's memory pattern is off for every session. With it, a run's activations are planned
 * into one block sized for the whole run and kept; without it, each is allocated when needed and
 * freed when done, so memory is reused within the run. Measured with the engine benchmark's worker
 * (2 threads, a shared machine at load 5-10, so rates are noisy but peaks are not): from-scratch
 * training with the arena 1,730 MB peak with the pattern and 1,082 MB without (PyTorch 1,369 MB) at
 * the same samples/s (3.3 and 3.8 side by side; 9.2 both on a quieter turn); RoBERTa freeze-2 at
 * sequence 256 2,116 MB and 1,968 MB (PyTorch 2,032 MB); the from-scratch forward pass 497-500 MB
 * and 401-413 MB at 30.7-35.5 and 34.9-41.6 files/s, alternating.
 */
const ENABLE_MEM_PATTERN = false;

function options(provider: ProviderName, config: SessionConfig): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    enableCpuMemArena: ENABLE_CPU_MEM_ARENA,
    enableMemPattern: ENABLE_MEM_PATTERN,
    ...(config.intraOpNumThreads ? { intraOpNumThreads: config.intraOpNumThreads, interOpNumThreads: 1 } : {}),
    ...config.extra,
    ...(keepsTensorsOnDevice(provider) && config.deviceOutputs?.length
      ? { preferredOutputLocation: Object.fromEntries(config.deviceOutputs.map((n) => [n, 'gpu-buffer' as const])) }
      : {}),
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
  };
}

/**
 * Creates an InferenceSession from model bytes, or from a model file (whose external data
 * onnxruntime then maps from disk), on the chosen provider. A provider that this
 * onnxruntime-node build does not offer, or that fails to start (missing CUDA libraries, no GPU),
 * falls back to CPU; the reason is returned so the UI can say it.
 */
export async function createSession(model: Uint8Array | string, config: SessionConfig = {}): Promise<CreatedSession> {
  // Overloads of InferenceSession.create: a path or the bytes.
  const create = (o: ort.InferenceSession.SessionOptions) =>
    typeof model === 'string' ? ort.InferenceSession.create(model, o) : ort.InferenceSession.create(model, o);
  const wanted = config.provider ?? 'cpu';
  if (wanted !== 'cpu') {
    const available = listProviders().some((p) => p.name === wanted);
    if (!available) {
      const offered = listProviders().map((p) => providerLabel(p.name)).join(', ');
      const reason = `${providerLabel(wanted)} is not offered by onnxruntime-node on this machine (available: ${offered}); using CPU.`;
      return { session: await create(options('cpu', config)), provider: 'cpu', fallbackReason: reason };
    }
    try {
      return { session: await create(options(wanted, config)), provider: wanted, fallbackReason: null };
    } catch (err) {
      const msg = cleanReason(err instanceof Error ? err.message : String(err));
      const hint =
        wanted === 'cuda'
          ? ' Run `npm run setup:cuda` to install the CUDA libraries onnxruntime-node needs.'
          : wanted === 'webgpu'
            ? ' WebGPU needs a GPU with a Vulkan, Metal or Direct3D 12 driver; `langlab info` lists what this machine has.'
            : '';
      const reason = `${providerLabel(wanted)} could not start (${msg}); training on the CPU instead.${hint}`;
      return { session: await create(options('cpu', config)), provider: 'cpu', fallbackReason: reason };
    }
  }
  return { session: await create(options('cpu', config)), provider: 'cpu', fallbackReason: null };
}
